package cn.egov.api.portal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An emergency notice a unit publishes on its own site's mirror while the backbone is down,
 * signed on the box with the unit's certificate ({@link SignedNotice}), served at once and
 * reconciled with the manager when the link returns.
 *
 * <p>Signed bytes (canonical JSON, ASCII: title and body are base64 of their UTF-8):
 * <pre>{@code
 * {"body":"<base64>","format":"egov-portal-notice/1","id":"130602-000-1764820000000-3fa1","issued_at":"...",
 *  "site":"www.jingxiu.gov.cn","title":"<base64>","unit":"130602-000"}
 * }</pre>
 *
 * @param id       unique: {@code <unit>-<epoch ms>-<random hex>}
 * @param site     the site it is published on
 * @param unit     the unit that published it (the signer)
 * @param title    one line, at most {@link #MAX_TITLE} characters
 * @param body     plain text (rendered escaped), at most {@link #MAX_BODY} characters
 * @param issuedAt when it was published on the box
 */
public record EmergencyNotice(String id, String site, String unit, String title, String body, Instant issuedAt) {

    public static final String FORMAT = "egov-portal-notice/1";
    public static final int MAX_TITLE = 200;
    public static final int MAX_BODY = 20_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{8,64}");

    public EmergencyNotice {
        requireId(id);
        SiteNode.requireDomain(site, "notice site");
        if (unit == null || !unit.matches("\\d{6}-\\d{3}")) {
            throw new IllegalArgumentException("notice " + id + ": unit '" + unit + "' is not a unit code");
        }
        if (title == null || title.isBlank() || title.length() > MAX_TITLE || title.contains("\n")) {
            throw new IllegalArgumentException("notice " + id + ": title must be one line of 1 to " + MAX_TITLE + " characters");
        }
        if (body == null || body.length() > MAX_BODY) {
            throw new IllegalArgumentException("notice " + id + ": body must be at most " + MAX_BODY + " characters");
        }
        // shown on the site and in the NOC's lists: no terminal escapes or other control characters (line breaks in the body only)
        if (title.chars().anyMatch(EmergencyNotice::control) || body.chars().anyMatch(c -> control(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw new IllegalArgumentException("notice " + id + ": title and body must not contain control characters");
        }
        if (issuedAt == null) {
            throw new IllegalArgumentException("notice " + id + ": issued_at is missing");
        }
    }

    private static boolean control(int c) {
        return c < 0x20 || c >= 0x7f && c < 0xa0;
    }

    static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("notice id '" + id + "' is not 8 to 64 letters, digits and dashes");
        }
        return id;
    }

    /** The path it is served at on its site, and the path of the file when the manager folds it into a snapshot. */
    public String path() {
        return "notices/" + id + ".html";
    }

    byte[] toBytes() {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("id", id);
        m.put("site", site);
        m.put("unit", unit);
        m.put("title", b64.encodeToString(title.getBytes(StandardCharsets.UTF_8)));
        m.put("body", b64.encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        m.put("issued_at", issuedAt.toString());
        return Canonical.bytes(m);
    }

    static EmergencyNotice parse(byte[] bytes) throws SnapshotException {
        Map<String, Object> m = JsonFields.object(JsonFields.parse(bytes, "notice"), "notice");
        String f = JsonFields.text(m, "format", "notice");
        if (!FORMAT.equals(f)) {
            throw JsonFields.format("notice field 'format' is '" + f + "', expected " + FORMAT);
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            return new EmergencyNotice(JsonFields.text(m, "id", "notice"), JsonFields.text(m, "site", "notice"),
                    JsonFields.text(m, "unit", "notice"),
                    new String(d.decode(JsonFields.text(m, "title", "notice")), StandardCharsets.UTF_8),
                    new String(d.decode(JsonFields.text(m, "body", "notice")), StandardCharsets.UTF_8),
                    Instant.parse(JsonFields.text(m, "issued_at", "notice")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw JsonFields.format("notice: " + e.getMessage());
        }
    }
}
