package cn.egov.telemetry.outbox;

/**
 * Counters of an outbox; evicted and sent persist across restarts.
 *
 * @param depth    messages waiting
 * @param capacity the configured bound
 * @param evicted  messages evicted because the outbox was full, since the database was created
 * @param sent     messages acknowledged by the broker, since the database was created
 */
public record OutboxStats(long depth, int capacity, long evicted, long sent) {
}
