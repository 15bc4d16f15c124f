package cn.egov.manager.web;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The common frame of the manager's pages: title, navigation for the caller's role, stylesheet.
 * The stylesheet is served from {@value #STYLESHEET_PATH}, not inline, so that the pages run under
 * a Content-Security-Policy that allows nothing but this site's own files.
 */
public final class HtmlPage {

    /** Where the pages' stylesheet is served (public: it holds no data). */
    public static final String STYLESHEET_PATH = "/assets/manager.css";

    private static final String STYLE = """
            body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#f6f7f9}
            header{background:#1f3b63;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
            header a{color:#fff;text-decoration:none;margin-right:12px} header .who{margin-left:auto;opacity:.8}
            main{padding:12px 16px} h2{margin:18px 0 6px;border-bottom:2px solid #1f3b63} h3{margin:12px 0 4px;color:#1f3b63}
            table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
            th,td{border:1px solid #d8dce2;padding:4px 8px;text-align:left} th{background:#eef1f5}
            .status{font-weight:bold;padding:1px 6px;border-radius:3px;color:#fff}
            .CONNECTED{background:#2e7d32} .DISCONNECTED{background:#6d6d6d} .MISSING{background:#c62828}
            .summary span{margin-right:18px} .num{text-align:right;font-variant-numeric:tabular-nums} .muted{color:#777}
            .warn{background:#fff3e0} .error{color:#c62828}
            """;
    private static final byte[] STYLE_BYTES = STYLE.getBytes(StandardCharsets.UTF_8);

    private HtmlPage() {
    }

    /** Serves the stylesheet. */
    static org.eclipse.jetty.server.Request.Handler stylesheet() {
        return (request, response, callback) -> {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/css; charset=utf-8");
            response.write(true, java.nio.ByteBuffer.wrap(STYLE_BYTES), callback);
            return true;
        };
    }

    /** Writes a complete page; {@code bodyHtml} must already be escaped. */
    public static boolean write(Request request, Response response, Callback callback, WebRoutes routes,
                                String title, String bodyHtml) {
        Caller caller = Caller.of(request);
        StringBuilder nav = new StringBuilder();
        if (caller != null) {
            for (WebRoute r : routes.navigation(caller.role())) {
                nav.append("<a href=\"").append(esc(r.path())).append("\">").append(esc(r.navTitle())).append("</a>");
            }
        }
        String who = caller == null ? "" : caller.name() + (caller.provinceWide() ? "" : " · " + String.join(", ", caller.counties()));
        String html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><meta http-equiv=\"refresh\" content=\"30\"><link rel=\"stylesheet\" href=\"" + STYLESHEET_PATH
                + "\"></head><body><header><b>河北省电子政务边缘网络 · 管理</b>"
                + nav + "<span class=\"who\">" + esc(who) + "</span></header><main><h1>"
                + esc(title) + "</h1>" + bodyHtml + "</main></body></html>";
        return Json.text(response, callback, 200, "text/html; charset=utf-8", html);
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
