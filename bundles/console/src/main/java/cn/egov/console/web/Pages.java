package cn.egov.console.web;

import cn.egov.api.web.UnreadBody;
import gg.jte.Content;
import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.function.Consumer;
import cn.egov.console.pages.jte.JtecsrfGenerated;
import cn.egov.console.pages.jte.JtesectionGenerated;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console's pages: JTE templates compiled to classes at build time ({@code src/main/jte} to
 * {@code cn.egov.console.pages.jte.Jte<name>Generated}), called directly through their typed
 * static {@code render} methods: the compiler checks every page's parameters, and nothing is
 * looked up by name or reflection at run time (no template engine, no compiler on the box).
 * Output goes through JTE's {@link OwaspHtmlTemplateOutput}, which escapes every value for the
 * HTML context it lands in.
 */
public final class Pages {

    /** Writes a page: {@code page} calls one generated template's render method with the output. */
    public void render(Response response, Callback callback, int status, Consumer<HtmlTemplateOutput> page) {
        StringOutput out = new StringOutput(8192);
        page.accept(new OwaspHtmlTemplateOutput(out));
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        org.eclipse.jetty.io.Content.Sink.write(response, true, out.toString(), callback);
    }

    /** The hidden CSRF form field, written into another template's output (a section's). */
    static Content csrfField(String token) {
        return output -> JtecsrfGenerated.render(html(output), null, token);
    }

    /**
     * Renders the layout around a body made elsewhere (a section's template): status 200, or the
     * error status the section set before (a refused form's 422), which must not turn into a success.
     */
    public void renderLayout(Response response, Callback callback, Frame frame, Content body) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 200;
        render(response, callback, status, out -> JtesectionGenerated.render(out, null, frame, body));
    }

    private static HtmlTemplateOutput html(TemplateOutput output) {
        return output instanceof HtmlTemplateOutput h ? h : new OwaspHtmlTemplateOutput(output);
    }
}
