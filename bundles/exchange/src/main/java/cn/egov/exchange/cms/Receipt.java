package cn.egov.exchange.cms;

import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A non-repudiation receipt: the recipient unit says it received message {@code messageId} from
 * {@code sender}, with these part digests, at {@code receivedAt}. It travels signed by the
 * recipient's signing key ({@link #sign}); the sender accepts it only after {@link #verify} and a
 * comparison of the digests with what it sent.
 */
public record Receipt(String messageId, UnitCode sender, UnitCode recipient, Instant receivedAt, List<PartDigest> parts) {

    public static final String FORMAT = "egov-exchange-receipt/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Receipt {
        MessageIds.check(messageId);
        parts = List.copyOf(parts);
    }

    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("messageId", messageId);
        n.put("sender", sender.toString());
        n.put("recipient", recipient.toString());
        n.put("receivedAt", receivedAt.toString());
        ArrayNode a = n.putArray("parts");
        for (PartDigest p : parts) {
            a.addObject().put("name", p.name()).put("size", p.size()).put("digestAlgorithm", p.algorithm()).put("digest", p.digest());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] sign(SigningKey key) {
        return CmsSigner.sign(toJson(), key);
    }

    /**
     * Verifies a signed receipt and reads it; the signer must be the receipt's recipient unit.
     *
     * @throws DocumentRefused on {@code receipt}: damaged, forged, signed by another unit
     */
    public static Receipt verify(byte[] der, CmsVerifier verifier) {
        CmsVerifier.Verified v = verifier.verify(der, "receipt", null);
        Receipt r = parse(v.content());
        if (!r.recipient().equals(v.unit())) {
            throw new DocumentRefused("receipt", "for recipient " + r.recipient() + " is signed by unit " + v.unit());
        }
        return r;
    }

    static Receipt parse(byte[] json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !FORMAT.equals(n.path("format").asText())) {
                throw new DocumentRefused("receipt", "content is not " + FORMAT);
            }
            List<PartDigest> parts = new ArrayList<>();
            for (JsonNode p : n.path("parts")) {
                parts.add(new PartDigest(p.path("name").asText(), p.path("size").asLong(), p.path("digestAlgorithm").asText(),
                        p.path("digest").asText()));
            }
            return new Receipt(n.path("messageId").asText(), UnitCode.parse(n.path("sender").asText()),
                    UnitCode.parse(n.path("recipient").asText()), Instant.parse(n.path("receivedAt").asText()), parts);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DocumentRefused d) {
                throw d;
            }
            throw new DocumentRefused("receipt", "content cannot be read: " + e.getMessage());
        }
    }
}
