package cn.egov.exchange.store;

import cn.egov.exchange.cms.PartDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A document this box sent, as its clerk sees it in the outbox.
 *
 * @param recipients each recipient's state
 */
public record OutgoingRecord(String messageId, String issuer, String docNumber, String title, String urgency, Instant deadline,
                             Instant created, long size, List<PartDigest> digests, Map<String, RecipientStatus> recipients) {

    /** One recipient of a sent document. */
    public record RecipientStatus(DeliveryState state, String reason, Instant updated, boolean hasReceipt) {
    }
}
