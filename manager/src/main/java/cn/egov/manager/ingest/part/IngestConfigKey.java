package cn.egov.manager.ingest.part;

import cn.egov.manager.config.KeySpec;
import java.util.Arrays;
import java.util.List;

/** The ingest part's keys (prefix {@code ingest.}); {@code manager config-keys} prints them. */
enum IngestConfigKey {
    CLIENT_ID("client-id", "egov-manager", "MQTT client id of the manager's persistent (cleanSession=false) subscription; the embedded"
            + " broker refuses it on every listener but the manager's own.",
            v -> v.isBlank() || v.length() > 64 || !v.matches("[A-Za-z0-9_.-]+")
                    ? "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + v + "'" : null),
    QUEUE_CAPACITY("queue.capacity", "20000", "Bound of the queue between the MQTT receiver and the database writer; when full, the"
            + " receiver waits (back-pressure), nothing is dropped.", IngestConfigKey::positiveInt),
    QUEUE_ALARM_RATIO("queue.alarm-ratio", "0.8", "Raise the ingest.backlog alarm when the queue passes this share of its capacity.",
            KeySpec.RATIO),
    LISTENERS_QUEUE_BATCHES("listeners.queue-batches", "10", "Bound of the queue of stored batches (of up to batch.size messages)"
            + " waiting for the other parts' listeners (NOC down-sampling, duty intake, reports), told on a thread of their own; when"
            + " full, the writer waits, nothing is skipped. Alarm ingest.listeners.backlog above queue.alarm-ratio of it.",
            IngestConfigKey::positiveInt),
    BATCH_SIZE("batch.size", "2000", "Most messages written in one database transaction.", IngestConfigKey::positiveInt),
    MAX_PAYLOAD_BYTES("max-payload-bytes", "4194304", "Larger payloads are counted as malformed (reason too-large) and not decoded.",
            IngestConfigKey::positiveInt),
    IN_VM("in-vm", "true", "broker.mode=embedded: 'true' consumes the manager's subscription inside the broker's JVM (the same"
            + " durable queues, acknowledged after the store's commit, no socket and no MQTT encoding: about half the drain's cost);"
            + " 'false' subscribes over MQTT on the internal listener, as with an external broker.", KeySpec.FLAG),
    AMQP_QUEUE("amqp.queue", "egov-manager-ingest", "broker.mode=rabbitmq: the durable quorum queue every manager node consumes from"
            + " (competing consumers: the nodes split the load), bound to amq.topic with the boxes' telemetry and lifecycle topics.",
            v -> v.isBlank() || v.length() > 200 || !v.matches("[A-Za-z0-9_.-]+") || v.startsWith("amq.")
                    ? "must be 1 to 200 letters, digits, '.', '_' or '-', not starting with 'amq.', got '" + v + "'" : null),
    AMQP_PREFETCH("amqp.prefetch", "1000", "broker.mode=rabbitmq: most deliveries a node holds unacknowledged (received, not yet"
            + " committed); a dead node's are delivered to the others.",
            v -> {
                String bad = "must be a whole number from 1 to 65535, got '" + v + "'";
                try {
                    int n = Integer.parseInt(v);
                    return n >= 1 && n <= 65535 ? null : bad;
                } catch (NumberFormatException e) {
                    return bad;
                }
            });

    static final String PREFIX = "ingest.";

    final String shortKey;
    final String defaultValue;
    final String description;
    final KeySpec.Check check;

    IngestConfigKey(String shortKey, String defaultValue, String description, KeySpec.Check check) {
        this.shortKey = shortKey;
        this.defaultValue = defaultValue;
        this.description = description;
        this.check = check;
    }

    /** The key's full name, {@code ingest.<short>}. */
    String key() {
        return PREFIX + shortKey;
    }

    static List<KeySpec> specs() {
        return Arrays.stream(values()).map(k -> new KeySpec(k.key(), k.defaultValue, k.description, k.check)).toList();
    }

    /** These keys size arrays and batches: a whole number from 1 to {@link Integer#MAX_VALUE}. */
    private static String positiveInt(String v) {
        try {
            long n = Long.parseLong(v);
            return n >= 1 && n <= Integer.MAX_VALUE ? null : "must be a positive whole number up to " + Integer.MAX_VALUE + ", got " + v;
        } catch (NumberFormatException e) {
            return "must be a positive whole number up to " + Integer.MAX_VALUE + ", got '" + v + "'";
        }
    }
}
