package cn.egov.manager.ingest;

/**
 * A message as the broker delivered it, before decoding.
 *
 * @param topic      the MQTT topic (from a RabbitMQ delivery: its routing key mapped back, {@link AmqpTopics})
 * @param payload    the raw bytes
 * @param deliveryId what the broker needs to acknowledge it after it is committed: the MQTT packet id, or
 *                   the AMQP delivery tag
 * @param qos        0, 1 or 2
 * @param received   when the manager received it (ms since the epoch)
 */
public record InboundMessage(String topic, byte[] payload, long deliveryId, int qos, long received) {
}
