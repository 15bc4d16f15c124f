package cn.egov.exchange.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * What the clerk typed on the send form (文号, title, recipients...), read from an upload refused
 * as too large while its body is drained: the files are skipped, so the form comes back with its
 * fields rather than empty. Bounded: a text field past {@link #MAX_FIELD_BYTES}, or fields past
 * {@link #MAX_FIELDS}, are left out; a body that is not multipart leaves nothing. Only the send page
 * shows them (escaped, as any value of the form); nothing is stored.
 */
final class TypedFields implements MultiPart.Parser.Listener {
    /** Longer than any field the form allows (500 characters of 3 bytes each). */
    static final int MAX_FIELD_BYTES = 4 * 1024;
    static final int MAX_FIELDS = 32;
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i);\\s*filename\\*?=");

    private final Map<String, String> fields = new LinkedHashMap<>();
    private final MultiPart.Parser parser;
    private String name;
    private ByteArrayOutputStream value;

    private TypedFields(String boundary) {
        this.parser = boundary == null ? null : new MultiPart.Parser(boundary, this);
    }

    /** A reader of the body of {@code contentType} (multipart/form-data with its boundary). */
    static TypedFields of(String contentType) {
        return new TypedFields(contentType == null ? null : MultiPart.extractBoundary(contentType));
    }

    /** The next bytes of the body. */
    void read(byte[] bytes, int length) {
        if (parser == null || length <= 0) {
            return;
        }
        try {
            parser.parse(Content.Chunk.from(ByteBuffer.wrap(bytes, 0, length).slice(), false));
        } catch (RuntimeException e) {
            // a malformed body: what was read so far is all the form gets back
        }
    }

    /** The form's fields, as {@link Upload#fields} holds them (recipients of several fields joined by commas). */
    Map<String, String> fields() {
        return fields;
    }

    @Override
    public void onPartBegin() {
        name = null;
        value = null;
    }

    @Override
    public void onPartHeader(String header, String headerValue) {
        if (!"content-disposition".equals(header.toLowerCase(Locale.ROOT)) || FILE_NAME.matcher(headerValue).find()) {
            return;
        }
        Matcher m = NAME.matcher(headerValue);
        if (m.find() && fields.size() < MAX_FIELDS) {
            name = m.group(1);
            value = new ByteArrayOutputStream();
        }
    }

    @Override
    public void onPartContent(Content.Chunk chunk) {
        ByteBuffer b = chunk.getByteBuffer();
        if (value != null) {
            if (value.size() + b.remaining() > MAX_FIELD_BYTES) {
                value = null; // not a field of the form
            } else {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                value.writeBytes(bytes);
            }
        }
        chunk.release();
    }

    @Override
    public void onPartEnd() {
        if (value != null && !"file".equals(name)) {
            String text = value.toString(StandardCharsets.UTF_8);
            fields.merge(name, text, "recipients".equals(name) ? (a, b) -> a + "," + b : (a, b) -> b);
        }
        value = null;
    }
}
