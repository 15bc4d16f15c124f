package cn.egov.manager.web;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The common frame of the manager's pages: title, navigation for the caller's role, styles. */
public final class HtmlPage {

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
            """;

    private HtmlPage() {
    }

    /** Writes a complete page; {@code bodyHtml} must already be escaped. */
    public static boolean write(Request request, Response response, Callback callback, WebRoutes routes,
                                String title, String bodyHtml) {
        Role role = (Role) request.getAttribute(RouteDispatcher.ROLE_ATTRIBUTE);
        StringBuilder nav = new StringBuilder();
        if (role != null) {
            for (WebRoute r : routes.navigation(role)) {
                nav.append("<a href=\"").append(esc(r.path())).append("\">").append(esc(r.navTitle())).append("</a>");
            }
        }
        String html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><meta http-equiv=\"refresh\" content=\"30\"><style>" + STYLE + "</style></head><body><header><b>河北省电子政务边缘网络 · 管理</b>"
                + nav + "<span class=\"who\">" + (role == null ? "" : esc(role.user)) + "</span></header><main><h1>"
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
