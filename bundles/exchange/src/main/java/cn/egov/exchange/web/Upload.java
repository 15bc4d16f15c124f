package cn.egov.exchange.web;

import cn.egov.api.time.BeijingTime;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;

/**
 * A clerk's upload ({@code multipart/form-data}, from the send page or an API client) turned into a
 * {@link Document}: fields {@code doc_number} (文号), {@code title}, {@code recipients} (unit codes,
 * separated by commas, spaces or new lines; or the field repeated), {@code urgency} (特急/加急/平件),
 * {@code classification} (密级), {@code deadline} (ISO date or date-time, China time; empty: the
 * default), optional {@code message_id} (an application resend keeps its id), and the files as parts
 * named {@code file}. Optional {@code sha256} fields, one per file in order, are compared with what
 * arrived: a corrupted upload is refused.
 *
 * <p>Every refusal is one {@link DocumentRefused} naming the field.
 */
final class Upload {

    /** The form as sent, for the send page to show again after a refusal. */
    final Map<String, String> fields = new LinkedHashMap<>();
    private final List<Part> files = new ArrayList<>();
    private final List<String> digests = new ArrayList<>();
    /** A file part with content but no name we could read: refused by {@link #document}, never left out. */
    private DocumentRefused unnamedFile;

    static Upload of(MultiPartFormData.Parts parts) {
        Upload u = new Upload();
        int fileParts = 0;
        for (MultiPart.Part p : parts) {
            String name = p.getName() == null ? "" : p.getName();
            if (name.equals("file")) {
                int index = fileParts++;
                byte[] content = bytes(p);
                if (p.getFileName() == null || p.getFileName().isEmpty()) {
                    if (content.length > 0 && u.unnamedFile == null) {
                        // Jetty gives no name for filename="a"b.pdf" (a quote a script did not escape)
                        u.unnamedFile = new DocumentRefused("files[" + index + "]", content.length
                                + " bytes without a readable file name (is a quote in it not escaped?): nothing was sent");
                    }
                    continue; // else the browser's empty file input
                }
                String type = p.getHeaders().get("Content-Type");
                u.files.add(new Part(baseName(p.getFileName()), type == null ? null : type.split(";", 2)[0], content));
            } else if (name.equals("sha256")) {
                u.digests.add(text(p).strip());
            } else if (name.equals("recipients") && u.fields.containsKey("recipients")) {
                u.fields.put(name, u.fields.get(name) + "," + text(p));
            } else {
                u.fields.put(name, text(p));
            }
        }
        return u;
    }

    /** The document: the clerk's unit issues it, now. */
    Document document(UnitCode issuer, Instant now, Duration defaultDeadline) {
        String id = field("message_id");
        id = id.isEmpty() ? MessageIds.newId() : MessageIds.check(id);
        List<String> codes = new ArrayList<>();
        for (String c : field("recipients").split("[,，;；\\s]+")) {
            if (!c.isBlank()) {
                codes.add(c);
            }
        }
        Instant deadline = deadline(field("deadline"), now, defaultDeadline);
        if (unnamedFile != null) {
            throw unnamedFile;
        }
        if (files.isEmpty()) {
            throw new DocumentRefused("files", "a document needs at least one file");
        }
        if (!digests.isEmpty() && digests.size() != files.size()) {
            throw new DocumentRefused("sha256", digests.size() + " digests given for " + files.size() + " files");
        }
        for (int i = 0; i < digests.size(); i++) {
            String actual = sha256(files.get(i).content());
            if (!actual.equalsIgnoreCase(digests.get(i))) {
                throw new DocumentRefused("files[" + i + "]", files.get(i).name() + " arrived with SHA-256 " + actual
                        + ", not the " + cn.egov.api.text.LogSafe.of(digests.get(i)) + " given: the upload was corrupted");
            }
        }
        DocumentMeta meta = new DocumentMeta(id, field("doc_number"), field("title"), issuer, DocumentMeta.parseRecipients(codes),
                Urgency.parse(field("urgency").isEmpty() ? Urgency.ROUTINE.name() : field("urgency")),
                Classification.parse(field("classification")), deadline, now);
        return new Document(meta, files);
    }

    String field(String name) {
        return fields.getOrDefault(name, "").strip();
    }

    static Instant deadline(String text, Instant now, Duration defaultDeadline) {
        if (text.isEmpty()) {
            return now.plus(defaultDeadline);
        }
        try {
            if (text.length() == 10) {
                // a date: the end of that day in China
                return LocalDate.parse(text).plusDays(1).atStartOfDay(BeijingTime.ZONE).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).atZone(BeijingTime.ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new DocumentRefused("deadline", "'" + cn.egov.api.text.LogSafe.of(text)
                    + "' is not a date (2026-12-31) or date-time (2026-12-31T17:00)");
        }
    }

    private static String baseName(String fileName) {
        // old browsers send the client's full path
        String n = fileName.replace('\\', '/');
        return n.substring(n.lastIndexOf('/') + 1);
    }

    private static byte[] bytes(MultiPart.Part p) {
        try (var in = Content.Source.asInputStream(p.createContentSource())) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new DocumentRefused("files", "the upload of " + p.getFileName() + " cannot be read: " + e.getMessage());
        }
    }

    private static String text(MultiPart.Part p) {
        return p.getContentAsString(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
