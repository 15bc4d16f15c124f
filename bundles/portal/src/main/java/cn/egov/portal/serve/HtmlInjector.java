package cn.egov.portal.serve;

import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.NoticePage;
import cn.egov.api.time.BeijingTime;
import cn.egov.portal.mirror.SiteSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What the box adds to a page of a mirrored site: the snapshot banner (optional, Metatype
 * {@code banner}) saying which version from when is served, and on a site's homepage the unit's
 * open emergency notices. Inserted right after the {@code <body>} tag (or at the top when there is
 * none); the page's own bytes are otherwise untouched.
 */
final class HtmlInjector {

    private static final String BANNER_STYLE = "background:#fff3cd;color:#5c4400;font:13px sans-serif;padding:4px 8px;border-bottom:1px solid #e0c97a";
    private static final String NOTICE_STYLE = "background:#fdecea;color:#7a1c12;font:15px sans-serif;padding:8px 12px;border:2px solid #c62828";

    private HtmlInjector() {
    }

    static byte[] inject(byte[] page, SiteSnapshot s, boolean banner, List<EmergencyNotice> notices, Instant now) {
        StringBuilder add = new StringBuilder();
        if (!notices.isEmpty()) {
            add.append("<div class=\"egov-notices\" style=\"").append(NOTICE_STYLE).append("\"><b>紧急公告</b><ul>");
            for (EmergencyNotice n : notices) {
                add.append("<li>").append(NoticePage.link(n)).append("</li>");
            }
            add.append("</ul></div>");
        }
        if (banner) {
            add.append("<div class=\"egov-snapshot\" style=\"").append(BANNER_STYLE).append("\">本站镜像快照 · 版本 ")
                    .append(s.version()).append(" · ").append(BeijingTime.toMinute(s.issuedAt()))
                    .append(s.expiredAt(now) ? " · 已超过有效期，暂以此版本提供服务" : "").append("</div>");
        }
        if (add.length() == 0) {
            return page;
        }
        byte[] insert = add.toString().getBytes(StandardCharsets.UTF_8);
        int at = afterBodyTag(page);
        byte[] out = new byte[page.length + insert.length];
        System.arraycopy(page, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(page, at, out, at + insert.length, page.length - at);
        return out;
    }

    /** Offset just after {@code <body ...>}, or 0. ASCII search: works on UTF-8 and the common legacy encodings. */
    static int afterBodyTag(byte[] page) {
        String head = new String(page, 0, Math.min(page.length, 64 * 1024), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int i = head.indexOf("<body");
        while (i >= 0) {
            char next = i + 5 < head.length() ? head.charAt(i + 5) : '>';
            if (next == '>' || Character.isWhitespace(next)) {
                int close = head.indexOf('>', i);
                return close < 0 ? 0 : close + 1;
            }
            i = head.indexOf("<body", i + 5);
        }
        return 0;
    }
}
