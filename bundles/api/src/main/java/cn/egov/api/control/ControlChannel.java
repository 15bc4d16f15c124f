package cn.egov.api.control;

/**
 * Cloud-to-device messages for this box: an OSGi service offered by the bundle that holds the
 * box's one MQTT connection (telemetry). The topic is always in this box's own control namespace,
 * {@code $EDC/<account>/<this box's client id>/<appId>/<resource>}; the broker lets the box
 * subscribe nowhere else and lets only the manager publish there.
 *
 * <p>Subscriptions are QoS 1 and are renewed after every reconnect; a retained message (a signed
 * policy) is delivered at each renewal, also to a box that was offline when it was published.
 *
 * <pre>{@code
 * @Reference ControlChannel control;
 * ControlChannel.Subscription s = control.subscribe("POLICY", "PUT/bundle", (topic, payload) -> executor.execute(() -> receive(payload)));
 * ...
 * s.close();   // at deactivation
 * }</pre>
 */
public interface ControlChannel {

    /**
     * Subscribes {@code listener} to {@code $EDC/<account>/<client-id>/<appId>/<resource>}.
     *
     * @param appId    one topic level, e.g. {@code POLICY}
     * @param resource the rest, no wildcards, e.g. {@code PUT/bundle}
     * @throws IllegalArgumentException for wildcards or an empty level, or when the topic already has a listener
     */
    Subscription subscribe(String appId, String resource, ControlListener listener);

    /** Ends one subscription. */
    interface Subscription extends AutoCloseable {
        /** Unsubscribes; idempotent, never throws. */
        @Override
        void close();
    }
}
