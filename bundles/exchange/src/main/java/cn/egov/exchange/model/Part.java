package cn.egov.exchange.model;

import java.util.regex.Pattern;

/**
 * One file of a document (the OFD or PDF body, attachments). The name becomes a file name when the
 * recipient unpacks the document, so it is one path segment of printable characters.
 *
 * @param name      file name, e.g. {@code 正文.ofd}
 * @param mediaType e.g. {@code application/ofd}, {@code application/pdf}
 * @param content   the bytes, not copied (do not change them afterwards)
 */
public record Part(String name, String mediaType, byte[] content) {

    /** Longest file name, in characters. */
    public static final int MAX_NAME = 200;
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-zA-Z0-9!#$&^_.+-]{1,64}/[a-zA-Z0-9!#$&^_.+-]{1,64}");

    public Part {
        if (name == null || name.isBlank() || name.length() > MAX_NAME || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\')) {
            throw new DocumentRefused("file name", "'" + (name == null ? "" : cut(name))
                    + "' must be 1-" + MAX_NAME + " printable characters without / or \\");
        }
        mediaType = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType.strip();
        if (!MEDIA_TYPE.matcher(mediaType).matches()) {
            throw new DocumentRefused("media type of " + name, "'" + cut(mediaType) + "' is not type/subtype");
        }
        if (content == null) {
            throw new DocumentRefused("file " + name, "has no content");
        }
    }

    private static String cut(String s) {
        return cn.egov.api.text.LogSafe.of(s);
    }
}
