package cn.egov.manager.ingest;

/**
 * A message as the broker delivered it, before decoding.
 *
 * @param topic    the MQTT topic
 * @param payload  the raw bytes
 * @param mqttId   the MQTT packet id (to acknowledge after the message is committed)
 * @param qos      0, 1 or 2
 * @param received when the manager received it (ms since the epoch)
 */
public record InboundMessage(String topic, byte[] payload, int mqttId, int qos, long received) {
}
