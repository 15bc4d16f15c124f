package cn.egov.api.telemetry;

/**
 * The identity of one outbox message, carried in its payload so that the manager can drop the
 * duplicates that QoS 1 may deliver. The epoch is a random id made when the box's outbox
 * database is created; the sequence grows within it. Together with the client id they are unique.
 *
 * @param epoch    the outbox database's random id
 * @param sequence the message's number within that outbox
 */
public record MessageId(String epoch, long sequence) {
    /** Metric holding {@link #epoch}. */
    public static final String EPOCH_METRIC = "msg.epoch";
    /** Metric holding {@link #sequence}. */
    public static final String SEQUENCE_METRIC = "msg.seq";

    @Override
    public String toString() {
        return epoch + ":" + sequence;
    }
}
