package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.broker.InternalSubscription;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's session with its embedded broker when the subscription is consumed in the broker's
 * JVM ({@code ingest.in-vm}, {@link InternalSubscription}): messages come off the subscription's
 * durable queues as bytes, into the {@link IngestQueue} (or to a part's {@link AppReceiver}), and
 * are acknowledged after their commit, as over MQTT; what is not acknowledged when the manager stops
 * or dies stays in the broker and comes again. Publishing to boxes still goes through an MQTT
 * session of the manager's client id on the internal listener (it subscribes to nothing).
 */
public final class InVmIngestClient implements IngestSession {

    private static final Logger LOG = LoggerFactory.getLogger(InVmIngestClient.class);

    /** Opens the subscription, delivering to the sink (the broker's side: {@code ArtemisBroker#subscribeInternal}). */
    @FunctionalInterface
    public interface Subscriber {
        InternalSubscription open(String clientId, List<String> filters, int window, InternalSubscription.Sink sink) throws Exception;
    }

    private final MqttIngestClient publisher;
    private final String clientId;
    private final Subscriber subscriber;
    private final List<String> filters;
    private final int window;
    private final Arrivals arrivals;
    private final IngestMetrics metrics;
    private volatile InternalSubscription subscription;

    /**
     * @param window most messages delivered and not yet acknowledged: within the queue's capacity
     *               (each of the two subscription queues may pass the window by one), so that a
     *               delivery never waits for room: it runs on a broker thread
     */
    public InVmIngestClient(BrokerLogin login, String clientId, String account, Subscriber subscriber, int window, IngestQueue queue,
                            IngestMetrics metrics, TelemetryListeners parts) throws Exception {
        this.publisher = MqttIngestClient.publisher(login.url(), clientId, login.username(), login.password(), metrics);
        this.clientId = clientId;
        this.subscriber = subscriber;
        this.filters = MqttIngestClient.subscriptions(account);
        this.window = Math.max(1, Math.min(window, queue.capacity() - (filters.size() - 1)));
        this.arrivals = new Arrivals(queue, metrics, parts);
        this.metrics = metrics;
    }

    @Override
    public void start() throws Exception {
        publisher.start();
        subscription = subscriber.open(clientId, filters, window, new InternalSubscription.Sink() {
            @Override
            public void deliver(String topic, byte[] payload, long deliveryId) {
                try {
                    // QoS 1: every message of the subscription is acknowledged, whatever QoS it was published with
                    arrivals.arrived(new InboundMessage(topic, payload, deliveryId, 1, System.currentTimeMillis()), InVmIngestClient.this);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the broker is stopping: unacknowledged, it is delivered again
                }
            }

            @Override
            public void windowFull() {
                metrics.queueFullWaits.increment(); // the receiver waits, as on a full queue: the broker keeps the rest
            }
        });
    }

    @Override
    public void ack(InboundMessage m) {
        InternalSubscription s = subscription;
        if (s == null) {
            return;
        }
        try {
            s.ack(m.deliveryId());
        } catch (Exception e) {
            // not acknowledged: the broker delivers it again (after a restart at the latest), and the store's dedupe absorbs it
            LOG.debug("ack of {} not done: {}", m.deliveryId(), e.toString());
        }
    }

    /** The writer's batch, acknowledged in one broker transaction. */
    @Override
    public void ackAll(List<InboundMessage> batch) {
        InternalSubscription s = subscription;
        if (s == null) {
            return;
        }
        try {
            s.ackAll(batch.stream().mapToLong(InboundMessage::deliveryId).toArray());
        } catch (Exception e) {
            LOG.debug("ack of a batch of {} not done: {}", batch.size(), e.toString());
        }
    }

    @Override
    public void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws Exception {
        publisher.publish(topic, payload, retained);
    }

    @Override
    public boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
        return publisher.publishAll(messages, timeout);
    }

    @Override
    public boolean isConnected() {
        InternalSubscription s = subscription;
        return s != null && s.isOpen() && publisher.isConnected();
    }

    @Override
    public void close() {
        InternalSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        publisher.close();
    }
}
