package cn.egov.api.control;

/**
 * Receives the messages of one control topic of this box (see {@link ControlChannel}).
 *
 * <p>Called on the MQTT client's thread: return quickly (hand verification and apply to your own
 * thread) and never throw. The same retained message is delivered again after every reconnect,
 * so handling must be idempotent.
 */
@FunctionalInterface
public interface ControlListener {

    /**
     * @param topic   the concrete topic, e.g. {@code $EDC/hebei/130602-001/POLICY/PUT/bundle}
     * @param payload the raw payload (a KuraPayload; decode it yourself so that a malformed one can
     *                be reported with your capability's alarm)
     */
    void onMessage(String topic, byte[] payload);
}
