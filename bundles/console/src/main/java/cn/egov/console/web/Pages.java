package cn.egov.console.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console's pages: JTE templates compiled at build time ({@code src/main/jte}), HTML output
 * escaped by the engine by default. The templates are classes of this bundle, found through its
 * class loader (no compiler, no files at run time).
 */
public final class Pages {
    static final String PACKAGE = "cn.egov.console.pages.jte";
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Pages.class.getClassLoader(), PACKAGE);

    public void render(Response response, Callback callback, int status, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput(8192);
        engine.render(template, params, out);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        Content.Sink.write(response, true, out.toString(), callback);
    }

    /** Renders a template into another template's output (a section's CSRF field). */
    void renderTo(gg.jte.TemplateOutput output, String template, Map<String, Object> params) {
        engine.render(template, params, output);
    }

    /** Renders the layout around a body made elsewhere (a section's template). */
    public void renderLayout(Response response, Callback callback, Frame frame, gg.jte.Content body) {
        render(response, callback, 200, "section.jte", Map.of("frame", frame, "body", body));
    }
}
