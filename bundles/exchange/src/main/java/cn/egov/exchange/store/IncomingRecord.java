package cn.egov.exchange.store;

import java.time.Instant;

/** A document received for a unit of this box, without its files (see {@link ExchangeStore#parts}). */
public record IncomingRecord(String messageId, String recipient, String issuer, InboxState state, String reason, Instant received,
                             String docNumber, String title, String urgency, Instant deadline, Instant created) {
}
