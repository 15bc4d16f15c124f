package cn.egov.manager.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The evidence behind an exported document as one JSON text and its SHA-256. The same evidence
 * always gives the same bytes (records in declaration order, map keys sorted, no indentation), so
 * an auditor who exports the same closed period again gets the same hash while nothing changed,
 * and anyone can recompute it from the {@code evidence.json} attached to the PDF:
 * {@code pdfdetach -save 1 -o evidence.json report.pdf && sha256sum evidence.json}.
 *
 * @param json   the evidence as UTF-8 JSON
 * @param sha256 its SHA-256, lower-case hex
 */
public record EvidenceDigest(byte[] json, String sha256) {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The digest of {@code evidence} (a record or map tree) written as canonical JSON. */
    public static EvidenceDigest of(Object evidence) {
        byte[] json;
        try {
            json = CANONICAL.writeValueAsBytes(evidence);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the evidence cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        return new EvidenceDigest(json, sha256(json));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
