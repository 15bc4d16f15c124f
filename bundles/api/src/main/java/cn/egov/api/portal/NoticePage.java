package cn.egov.api.portal;

import cn.egov.api.time.BeijingTime;
import java.nio.charset.StandardCharsets;

/**
 * The HTML page of an emergency notice, the same bytes on the box (served at once) and at the
 * manager (when it folds the notice into the official snapshot as {@link EmergencyNotice#path()}).
 * Title and body are plain text, escaped here: a notice cannot carry markup or script.
 */
public final class NoticePage {

    private NoticePage() {
    }

    public static byte[] render(EmergencyNotice n) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(n.title())).append("</title></head><body><article class=\"egov-notice\"><h1>紧急公告 ")
                .append(esc(n.title())).append("</h1><p class=\"meta\">").append(esc(n.site())).append(" · ")
                .append(BeijingTime.toMinute(n.issuedAt())).append(" · ").append(esc(n.unit())).append("</p>");
        for (String para : n.body().split("\\R\\R+")) {
            b.append("<p>").append(esc(para).replaceAll("\\R", "<br>")).append("</p>");
        }
        return b.append("</article></body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One line for a site's homepage: a link to the notice. */
    public static String link(EmergencyNotice n) {
        return "<a href=\"/" + n.path() + "\">" + esc(n.title()) + "</a> (" + BeijingTime.toMinute(n.issuedAt()) + ")";
    }

    static String esc(String s) {
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
