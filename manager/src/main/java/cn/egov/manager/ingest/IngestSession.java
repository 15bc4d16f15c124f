package cn.egov.manager.ingest;

/**
 * The manager's connection to its broker, as ingest uses it: it delivers messages into the
 * {@link IngestQueue} (or to a part's {@link AppReceiver}), acknowledges them after their commit,
 * and publishes to boxes. {@link MqttIngestClient}: one persistent MQTT session (embedded Artemis,
 * external Mosquitto); {@link AmqpIngestClient}: a competing consumer on a RabbitMQ quorum queue
 * (several manager nodes split the load).
 */
public interface IngestSession extends Acknowledger, BoxMessenger, AutoCloseable {

    /** Connects and starts delivering. */
    void start() throws Exception;

    boolean isConnected();

    @Override
    void close();
}
