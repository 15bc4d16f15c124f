package cn.egov.manager.web;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Pages whose body is still built as escaped HTML text (the duty and portal pages, until they move
 * to templates), shown in the
 * same frame ({@code web/layout.jte}) as the templated pages. New pages use {@link Pages} and a
 * template instead.
 */
public final class HtmlPage {

    /** Where the pages' stylesheet is served (public: it holds no data). */
    public static final String STYLESHEET_PATH = Assets.STYLESHEET_PATH;

    private HtmlPage() {
    }

    /** Writes a complete page; {@code bodyHtml} must already be escaped (see {@link #esc}). */
    public static boolean write(Request request, Response response, Callback callback, WebRoutes routes,
                                String title, String bodyHtml) {
        Frame frame = Pages.frame(request, routes, title);
        return Pages.render(response, callback, 200, out -> JtelegacyGenerated.render(out, null, frame, bodyHtml));
    }

    /** HTML-escapes text (null becomes empty). */
    public static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
