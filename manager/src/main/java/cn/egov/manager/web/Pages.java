package cn.egov.manager.web;

import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the manager's pages: JTE templates compiled at build time (under {@code src/main/jte},
 * one folder per package, e.g. {@code fleet/part/fleet.jte} becomes
 * {@code cn.egov.manager.fleet.part.JtefleetGenerated}), every value escaped for its place in the
 * HTML by JTE's {@link OwaspHtmlTemplateOutput}. A page wraps its content in {@code web/layout.jte}:
 *
 * <pre>{@code
 * Frame frame = Pages.frame(request, routes, "设备 Fleet");
 * return Pages.render(response, callback, 200, out -> JtefleetGenerated.render(out, null, frame, boxes));
 * }</pre>
 */
public final class Pages {

    /** Pages that only show state reload themselves this often. */
    public static final int REFRESH_SECONDS = 30;

    private Pages() {
    }

    /** The frame of a page for the caller of {@code request}: navigation for its role, its name, its session's CSRF token. */
    public static Frame frame(Request request, WebRoutes routes, String title) {
        Caller caller = Caller.of(request);
        String path = Request.getPathInContext(request);
        List<Frame.Link> nav = new ArrayList<>();
        if (caller != null) {
            for (WebRoute r : routes.navigation(caller.role())) {
                nav.add(new Frame.Link(r.path(), r.navTitle(), r.path().equals(path)));
            }
        }
        String who = caller == null ? "" : caller.name() + (caller.provinceWide() ? "" : " · " + String.join(", ", caller.counties()));
        Session session = Session.of(request);
        return new Frame(title, nav, who, session == null ? "" : session.csrf(), REFRESH_SECONDS);
    }

    /** Renders a template into the response as HTML with {@code status}. */
    public static boolean render(Response response, Callback callback, int status, Consumer<HtmlTemplateOutput> page) {
        StringOutput out = new StringOutput(8192);
        page.accept(new OwaspHtmlTemplateOutput(out));
        return Json.text(response, callback, status, "text/html; charset=utf-8", out.toString());
    }
}
