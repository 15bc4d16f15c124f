package cn.egov.manager.ingest.part;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/** The ingest part's keys (prefix {@code ingest.}); {@code manager config-keys} prints them. */
enum IngestConfigKey implements PartKey {
    CLIENT_ID("client-id", "egov-manager", "MQTT client id of the manager's persistent (cleanSession=false) subscription; the embedded"
            + " broker refuses it on every listener but the manager's own.",
            v -> v.isBlank() || v.length() > 64 || !v.matches("[A-Za-z0-9_.-]+")
                    ? "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + v + "'" : null),
    QUEUE_CAPACITY("queue.capacity", "20000", "Bound of the queue between the MQTT receiver and the database writer; when full, the"
            + " receiver waits (back-pressure), nothing is dropped.", KeySpec.between(1, Integer.MAX_VALUE)),
    QUEUE_ALARM_RATIO("queue.alarm-ratio", "0.8", "Raise the ingest.backlog alarm when the queue passes this share of its capacity.",
            KeySpec.RATIO),
    LISTENERS_QUEUE_BATCHES("listeners.queue-batches", "10", "Bound of the queue of stored batches (of up to batch.size messages)"
            + " waiting for the other parts' listeners (NOC down-sampling, duty intake, reports), told on a thread of their own; when"
            + " full, the writer waits, nothing is skipped. Alarm ingest.listeners.backlog above queue.alarm-ratio of it.",
            KeySpec.between(1, Integer.MAX_VALUE)),
    BATCH_SIZE("batch.size", "2000", "Most messages written in one database transaction.", KeySpec.between(1, Integer.MAX_VALUE)),
    MAX_PAYLOAD_BYTES("max-payload-bytes", "4194304", "Larger payloads are counted as malformed (reason too-large) and not decoded.",
            KeySpec.between(1, Integer.MAX_VALUE)),
    IN_VM("in-vm", "true", "broker.mode=embedded: 'true' consumes the manager's subscription inside the broker's JVM (the same"
            + " durable queues, acknowledged after the store's commit, no socket and no MQTT encoding: about half the drain's cost);"
            + " 'false' subscribes over MQTT on the internal listener, as with an external broker.", KeySpec.FLAG),
    AMQP_QUEUE("amqp.queue", "egov-manager-ingest", "broker.mode=rabbitmq: the durable quorum queue every manager node consumes from"
            + " (competing consumers: the nodes split the load), bound to amq.topic with the boxes' telemetry and lifecycle topics.",
            v -> v.isBlank() || v.length() > 200 || !v.matches("[A-Za-z0-9_.-]+") || v.startsWith("amq.")
                    ? "must be 1 to 200 letters, digits, '.', '_' or '-', not starting with 'amq.', got '" + v + "'" : null),
    AMQP_PREFETCH("amqp.prefetch", "1000", "broker.mode=rabbitmq: most deliveries a node holds unacknowledged (received, not yet"
            + " committed); a dead node's are delivered to the others.",
            KeySpec.between(1, 65535));

    private final KeySpec spec;

    IngestConfigKey(String shortKey, String defaultValue, String description, KeySpec.Check check) {
        this.spec = new KeySpec("ingest." + shortKey, defaultValue, description, check);
    }

    @Override
    public KeySpec spec() {
        return spec;
    }

    static List<KeySpec> specs() {
        return PartKey.specs(values());
    }
}
