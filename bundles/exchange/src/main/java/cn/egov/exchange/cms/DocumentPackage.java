package cn.egov.exchange.cms;

import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The signed content of a document: a ZIP file (entries stored, not compressed: OFD and PDF are
 * compressed already) holding {@code manifest.json} first and then every part under its own name.
 * A recipient with only openssl and unzip can read it:
 * {@code openssl cms -decrypt ... | openssl cms -verify ... -out doc.zip && unzip doc.zip}.
 *
 * <p>The manifest carries the metadata and each part's size and digest; {@link #read} checks them
 * against the files, so a part changed after signing (impossible without breaking the signature)
 * or a package from a careless producer is refused.
 */
public final class DocumentPackage {

    public static final String FORMAT = "egov-exchange-document/1";
    public static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DocumentPackage() {
    }

    /** The package and the part digests the manifest names. */
    public record Packed(byte[] bytes, List<PartDigest> digests) {
    }

    public static Packed write(Document doc, DigestAlgorithm digest) {
        DocumentMeta m = doc.meta();
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("messageId", m.messageId());
        manifest.put("docNumber", m.docNumber());
        manifest.put("title", m.title());
        manifest.put("issuer", m.issuer().toString());
        ArrayNode recipients = manifest.putArray("recipients");
        m.recipients().forEach(r -> recipients.add(r.toString()));
        manifest.put("urgency", m.urgency().name());
        manifest.put("classification", m.classification().name());
        manifest.put("deadline", m.deadline().toString());
        manifest.put("created", m.created().toString());
        ArrayNode parts = manifest.putArray("parts");
        List<PartDigest> digests = new ArrayList<>();
        for (Part p : doc.parts()) {
            PartDigest d = new PartDigest(p.name(), p.content().length, digest.label(), digest.hex(p.content()));
            digests.add(d);
            parts.addObject().put("name", p.name()).put("mediaType", p.mediaType()).put("size", d.size())
                    .put("digestAlgorithm", d.algorithm()).put("digest", d.digest());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, doc.size() + 4096));
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            for (Part p : doc.parts()) {
                stored(zip, p.name(), p.content());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a document package in memory", e);
        }
        return new Packed(out.toByteArray(), List.copyOf(digests));
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** An opened package: the document and the digests its manifest names (checked against the files). */
    public record Opened(Document document, List<PartDigest> digests) {
    }

    /**
     * Reads a package (after its signature was verified).
     *
     * @param maxBytes the most the files may hold together
     * @throws DocumentRefused naming what is wrong ({@code package}: not a ZIP, manifest missing or
     *                         not first, a file missing, extra or not matching its digest)
     */
    public static Opened read(byte[] bytes, long maxBytes) {
        return read(new ByteArrayInputStream(bytes), maxBytes);
    }

    /** {@link #read(byte[], long)} from a stream, read as far as the ZIP's last entry. */
    public static Opened read(InputStream in, long maxBytes) {
        Map<String, byte[]> files = new HashMap<>();
        List<String> order = new ArrayList<>();
        long total = 0;
        try {
            ZipInputStream zip = new ZipInputStream(in);
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (files.containsKey(e.getName())) {
                    throw new DocumentRefused("package", "entry '" + e.getName() + "' appears twice");
                }
                byte[] data = entry(zip, e.getSize(), maxBytes - total);
                total += data.length;
                if (total > maxBytes) {
                    throw new DocumentRefused("package", "files exceed " + maxBytes + " bytes");
                }
                files.put(e.getName(), data);
                order.add(e.getName());
            }
        } catch (IOException e) {
            throw new DocumentRefused("package", "not a readable ZIP file: " + e.getMessage());
        }
        if (order.isEmpty() || !order.get(0).equals(MANIFEST)) {
            throw new DocumentRefused("package", "the first entry must be " + MANIFEST);
        }
        JsonNode m;
        try {
            m = JSON.readTree(files.get(MANIFEST));
        } catch (IOException e) {
            throw new DocumentRefused("package", MANIFEST + " is not JSON: " + e.getMessage());
        }
        if (m == null || !FORMAT.equals(m.path("format").asText())) {
            throw new DocumentRefused("package", MANIFEST + " format is not " + FORMAT);
        }
        List<Part> parts = new ArrayList<>();
        List<PartDigest> digests = new ArrayList<>();
        for (JsonNode p : m.path("parts")) {
            String name = p.path("name").asText();
            byte[] data = files.get(name);
            if (data == null || name.equals(MANIFEST)) {
                throw new DocumentRefused("package", "file '" + name + "' named in the manifest is missing");
            }
            DigestAlgorithm alg;
            try {
                alg = DigestAlgorithm.parse(p.path("digestAlgorithm").asText());
            } catch (IllegalArgumentException e) {
                throw new DocumentRefused("package", "file '" + name + "': " + e.getMessage());
            }
            String digest = alg.hex(data);
            if (!digest.equals(p.path("digest").asText()) || data.length != p.path("size").asLong(-1)) {
                throw new DocumentRefused("package", "file '" + name + "' does not match its size and digest in the manifest");
            }
            parts.add(new Part(name, p.path("mediaType").asText(), data));
            digests.add(new PartDigest(name, data.length, alg.label(), digest));
        }
        if (parts.size() != order.size() - 1) {
            throw new DocumentRefused("package", "holds " + (order.size() - 1) + " files but the manifest names " + parts.size());
        }
        List<String> recipients = new ArrayList<>();
        m.path("recipients").forEach(r -> recipients.add(r.asText()));
        String issuer = m.path("issuer").asText();
        if (!UnitCode.isValid(issuer)) {
            throw new DocumentRefused("issuer", "'" + cn.egov.api.text.LogSafe.of(issuer) + "' is not a unit code");
        }
        DocumentMeta meta = new DocumentMeta(m.path("messageId").asText(), m.path("docNumber").asText(), m.path("title").asText(),
                UnitCode.parse(issuer), DocumentMeta.parseRecipients(recipients), Urgency.parse(m.path("urgency").asText()),
                Classification.parse(m.path("classification").asText()), instant("deadline", m), instant("created", m));
        return new Opened(new Document(meta, parts), List.copyOf(digests));
    }

    /**
     * One entry's bytes: into an array of its size when the entry declares it (a stored entry does; the ZIP
     * reader checks size and CRC at its end), else collected to its end; at most {@code room} + 1 bytes.
     */
    private static byte[] entry(ZipInputStream zip, long declared, long room) throws IOException {
        if (declared < 0 || declared > room) {
            return zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, room + 1));
        }
        byte[] b = new byte[(int) declared];
        int n = zip.readNBytes(b, 0, b.length);
        if (n != b.length || zip.read() >= 0) {
            throw new IOException("entry is not the " + declared + " bytes it declares");
        }
        return b;
    }

    private static Instant instant(String field, JsonNode m) {
        try {
            return Instant.parse(m.path(field).asText());
        } catch (RuntimeException e) {
            throw new DocumentRefused(field, "'" + cn.egov.api.text.LogSafe.of(m.path(field).asText()) + "' is not an ISO-8601 instant");
        }
    }
}
