package cn.egov.console.api;

import gg.jte.Content;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the console gives a section, for the sections' own tests (a test fixture of this module): the user, a CSRF token
 * that is always {@code test-csrf}, and a page frame that is just the title and the body, escaped as the console's.
 * Audit entries go to {@code audit} as "user action target outcome".
 */
public record StandInSectionContext(ConsoleUser user, boolean apiToken, Consumer<String> audit) implements SectionContext {

    /** A browser's session (no API token) whose audit entries are not kept. */
    public StandInSectionContext(ConsoleUser user) {
        this(user, false, entry -> { });
    }

    @Override
    public String csrfToken() {
        return "test-csrf";
    }

    @Override
    public Content csrfField() {
        return out -> out.writeContent("<input type=\"hidden\" name=\"_csrf\" value=\"test-csrf\">");
    }

    @Override
    public void render(Response response, Callback callback, String title, Content body) {
        StringOutput out = new StringOutput();
        body.writeTo(new OwaspHtmlTemplateOutput(out));
        response.getHeaders().put("Content-Type", "text/html; charset=utf-8");
        response.write(true, ByteBuffer.wrap(("<html><h1>" + title + "</h1>" + out + "</html>").getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public void audit(String action, String target, String outcome) {
        audit.accept(user.name() + " " + action + " " + target + " " + outcome);
    }
}
