package cn.egov.telemetry.outbox;

/**
 * A queued message as stored: its payload already carries {@code msg.epoch} and {@code msg.seq}.
 *
 * @param seq       the message's sequence number, also its {@link cn.egov.api.telemetry.MessageId#sequence()}
 * @param createdAt milliseconds since the epoch when it was queued
 */
public record StoredMessage(long seq, String topic, int priority, long createdAt, byte[] payload) {
}
