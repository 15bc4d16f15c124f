package cn.egov.manager.broker;

/** An embedded MQTT 3.1.1 broker the manager runs itself. */
public interface MqttBroker extends AutoCloseable {

    void start() throws Exception;

    /** Bytes of undelivered messages the broker holds in memory (paged to disk above the bound). */
    long backlogBytes();

    /** Messages waiting in all subscription queues. */
    long backlogMessages();

    /** Publishes and subscriptions refused by the topic ACL since start. */
    long aclRefusals();

    /** Connections refused since start, per reason. */
    RefusalLog refusals();

    @Override
    void close() throws Exception;
}
