package cn.egov.manager.broker;

/** An embedded MQTT 3.1.1 broker the manager runs itself. */
public interface MqttBroker extends AutoCloseable {

    void start() throws Exception;

    /** {@code tcp://host:port} for clients. */
    String url();

    /** Bytes of undelivered messages the broker holds in memory (paged to disk above the bound). */
    long backlogBytes();

    /** Messages waiting in all subscription queues. */
    long backlogMessages();

    /** Publishes refused by the topic ACL since start. */
    long aclRefusals();

    @Override
    void close() throws Exception;
}
