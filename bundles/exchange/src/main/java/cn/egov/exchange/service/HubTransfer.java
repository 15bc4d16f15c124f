package cn.egov.exchange.service;

import cn.egov.api.payload.KuraPayload;
import java.io.IOException;

/**
 * How documents travel between a box and the exchange hub: over HTTPS to the hub's document server
 * with the box certificate (mutual TLS), so a megabyte document crosses no broker. Everything else
 * (receipts, answers, the hub's notices) goes through the outbox and the MQTT session ({@link HubLink}).
 */
public interface HubTransfer {

    /**
     * The hub's answer to an upload.
     *
     * @param refusal why the hub refused the document (the sender's recipients become UNDELIVERABLE), or null:
     *                the hub stored it (AT_HUB)
     */
    record Answer(String refusal) {
        public boolean taken() {
            return refusal == null;
        }
    }

    /**
     * Uploads a sealed document ({@code ExchangeWire.DOC}'s payload); returns once the hub stored it
     * durably, or refused it. Repeating an upload is harmless: the hub answers the same by message id.
     *
     * @throws IOException the hub was not reached or did not store it: try again later
     */
    Answer upload(String messageId, KuraPayload document) throws IOException;

    /**
     * The envelope of a document the hub holds for units of this box.
     *
     * @throws IOException not now (the hub tells again), or no such document for this box
     */
    byte[] fetch(String messageId, long maxBytes) throws IOException;
}
