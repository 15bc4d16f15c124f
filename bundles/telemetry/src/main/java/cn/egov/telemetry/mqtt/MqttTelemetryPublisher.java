package cn.egov.telemetry.mqtt;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.control.ControlListener;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.outbox.DurableOutbox;
import cn.egov.telemetry.outbox.OutboxException;
import cn.egov.telemetry.outbox.OutgoingMessage;
import cn.egov.telemetry.outbox.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The box's {@link TelemetryPublisher}: every message goes into the {@link DurableOutbox} first; a
 * link thread connects to the broker (with backoff), publishes BIRTH, then drains the outbox at
 * QoS 1 and deletes each message only after its PUBACK. On {@link #close()} it publishes DC and
 * disconnects; if the process dies instead, the broker publishes the last will.
 *
 * <p>The client id is the box's unit code and every topic is built here from the account and that
 * id, so a capability cannot publish as another box.
 *
 * <p>As {@link ControlChannel} it carries cloud-to-device messages on the same connection: each
 * subscription is made again after every connect (the session is clean), after BIRTH.
 */
public final class MqttTelemetryPublisher implements TelemetryPublisher, ControlChannel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttTelemetryPublisher.class);
    /** Messages read from the outbox at a time. */
    static final int DRAIN_BATCH = 500;
    /** Payload bytes read from the outbox at a time: a backlog of large messages (exchanged documents) stays out of the heap. */
    static final long DRAIN_BYTES = 4L << 20;
    /** Acknowledged messages deleted per transaction while the pipeline is busy. */
    static final int ACK_BATCH = 200;
    private static final long IDLE_WAIT_MS = 1_000;
    private static final long ACK_WAIT_MS = 5;
    /** Paho window slots kept free for BIRTH and DC, which bypass the outbox. */
    private static final int LIFECYCLE_SLOTS = 2;
    /** Paho's largest window: message ids are 16 bits. */
    private static final int PAHO_MAX_INFLIGHT = 65_535;
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long POLL_MS = 200;
    /**
     * Threads Paho may use at once: a connection's receiver, sender and callback run for its whole
     * life; beside them the connect (which waits until those three run), a disconnect and the
     * keep-alive ping. Fewer, and a connect would wait for a thread that never comes.
     */
    private static final int PAHO_THREADS = 6;

    private final MqttSettings settings;
    private final BoxIdentity identity;
    private final DurableOutbox outbox;
    private final LifecyclePayloads lifecycle;
    private final Set<String> applicationIds = new ConcurrentSkipListSet<>();
    private final MqttAsyncClient client;
    /**
     * Paho's threads for this client, ours rather than its own: close() ends them and waits until
     * they have, also when a connect is still in flight (Paho's own would outlive the client).
     */
    private final PahoThreads pahoThreads;
    /** Control topic → its listener. */
    private final Map<String, ControlListener> control = new ConcurrentHashMap<>();
    private final Thread link;
    /** Outbox messages handed to the broker connection since start (BIRTH and DC not counted). */
    private final java.util.concurrent.atomic.LongAdder published = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean running;
    /** Set by the first {@link #close()}: Paho throws a NullPointerException at a closed client's forcible disconnect. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Picks the first endpoint of each connect for {@link BrokerOrder#RANDOM_START}. */
    private final java.util.random.RandomGenerator random = new java.util.SplittableRandom();

    public MqttTelemetryPublisher(MqttSettings settings, BoxIdentity identity, DurableOutbox outbox, LifecyclePayloads lifecycle) {
        this.settings = settings;
        this.identity = identity;
        this.outbox = outbox;
        this.lifecycle = lifecycle;
        this.pahoThreads = new PahoThreads(PAHO_THREADS, "telemetry-mqtt-" + identity.clientId());
        try {
            // MemoryPersistence: the outbox is the durable store; Paho's file store would duplicate it in the CWD.
            this.client = new MqttAsyncClient(settings.primaryUrl(), identity.clientId(), new MemoryPersistence(),
                    new ScheduledExecutorPingSender(pahoThreads), pahoThreads);
        } catch (MqttException e) {
            pahoThreads.shutdownNow();
            throw new IllegalArgumentException("cannot create MQTT client for " + settings.primaryUrl() + ": " + e.getMessage(), e);
        }
        this.client.setCallback(new ControlDispatch());
        this.link = new Thread(this::runLink, "telemetry-link-" + identity.clientId());
        this.link.setDaemon(true);
    }

    public void start() {
        running = true;
        link.start();
    }

    @Override
    public void publish(String appId, String resource, KuraPayload payload, int priority) {
        Priority.check(priority);
        KuraTopic topic = KuraTopic.telemetry(settings.account(), identity.clientId(), appId, resource);
        applicationIds.add(appId);
        outbox.enqueue(topic.toString(), payload, priority);
    }

    /** One outbox transaction for all of them. */
    @Override
    public void publishAll(List<Message> messages) {
        List<OutgoingMessage> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Priority.check(m.priority());
            applicationIds.add(m.appId());
            out.add(new OutgoingMessage(KuraTopic.telemetry(settings.account(), identity.clientId(), m.appId(), m.resource()).toString(),
                    m.payload(), m.priority()));
        }
        outbox.enqueueAll(out);
    }

    @Override
    public boolean holds(int priority) {
        return outbox.holds(priority);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** The endpoint of the current (or last) connection: after a failover, the one that took over. */
    public String currentBroker() {
        return client.getCurrentServerURI();
    }

    /**
     * Outbox messages handed to the broker connection since start, resent ones again. A message
     * queued at a higher priority than a backlog goes right after what was published when it was
     * queued (and at most the one the link thread was about to publish).
     */
    public long published() {
        return published.sum();
    }

    /** Declares an application id for BIRTH's {@code application_ids} before it first publishes. */
    public void declareApplication(String appId) {
        applicationIds.add(appId);
    }

    private void runLink() {
        ReconnectBackoff backoff = new ReconnectBackoff(settings.reconnectMin(), settings.reconnectMax());
        while (running) {
            try {
                connect();
                backoff.reset();
                String broker = client.getCurrentServerURI();
                // subscribed before BIRTH: the manager answers a BIRTH with what waited for this box (the exchange hub's
                // notices); on a clean session whatever arrives before the SUBACK would be lost until the next resend
                List<IMqttToken> subscriptions = new ArrayList<>();
                control.keySet().forEach(topic -> subscriptions.add(subscribeNow(topic)));
                for (IMqttToken t : subscriptions) {
                    awaitSubscription(t);
                }
                publishLifecycle(KuraTopic.birth(settings.account(), identity.clientId()), lifecycle.birth(broker, applicationIds), 1);
                LOG.info("connected to {} as {}; outbox depth {}", broker, identity.clientId(), outbox.depth());
                drainWhileConnected();
            } catch (MqttException e) {
                if (!running) {
                    break;
                }
                long wait = backoff.nextMillis();
                LOG.warn("MQTT link to {} failed ({}); retrying in {} ms", settings.brokerUrls(), e.getMessage(), wait);
                sleep(wait);
            } catch (OutboxException e) {
                LOG.error("outbox failure; retrying", e);
                sleep(settings.reconnectMin().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void connect() throws MqttException {
        if (client.isConnected()) {
            return;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true); // the outbox, not the broker session, holds what is unsent
        options.setAutomaticReconnect(false); // our loop reconnects, so that BIRTH follows every connect
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        // Paho's own in-flight count can lag the tokens it has completed (a simulated box waiting for its tokens
        // got "too many publishes in progress" with its window at half of Paho's cap): headroom, or a full window
        // would end the drain and send a needless re-BIRTH
        options.setMaxInflight(Math.min(PAHO_MAX_INFLIGHT, 2 * settings.maxInflight() + LIFECYCLE_SLOTS));
        options.setConnectionTimeout((int) TimeUnit.MILLISECONDS.toSeconds(CONNECT_TIMEOUT_MS));
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password());
        }
        SSLSocketFactory factory = settings.tls() == null ? null : settings.tls().get();
        if (factory != null) {
            options.setSocketFactory(factory); // client certificate; asked per connect so renewals apply
        }
        KuraTopic will = KuraTopic.lastWill(settings.account(), identity.clientId());
        options.setWill(will.toString(), KuraPayloadCodec.encode(lifecycle.lastWill()), 1, false);
        // Paho tries the endpoints in this order and stays on the first that accepts. In-flight
        // messages of a connection that died failed with it (onFailure) and are read again from the
        // outbox; what the old broker acknowledged was deleted and is not sent again.
        List<String> order = settings.connectOrder(random);
        options.setServerURIs(order.toArray(String[]::new));
        client.connect(options).waitForCompletion(CONNECT_TIMEOUT_MS * order.size());
    }

    @Override
    public Subscription subscribe(String appId, String resource, ControlListener listener) {
        String topic = KuraTopic.control(settings.account(), identity.clientId(), appId, resource).toString();
        if (listener == null) {
            throw new IllegalArgumentException("no listener for " + topic);
        }
        if (control.putIfAbsent(topic, listener) != null) {
            throw new IllegalArgumentException("control topic " + topic + " already has a listener");
        }
        if (client.isConnected()) {
            subscribeNow(topic); // else the link subscribes after its next connect
        }
        return () -> {
            if (control.remove(topic, listener) && client.isConnected()) {
                try {
                    client.unsubscribe(topic);
                } catch (MqttException e) {
                    LOG.debug("unsubscribe {}: {}", topic, e.getMessage());
                }
            }
        };
    }

    /** Waits for a subscription's SUBACK; a refused or failed one is logged by its listener and does not hold the link back. */
    private static void awaitSubscription(IMqttToken t) {
        if (t == null) {
            return;
        }
        try {
            t.waitForCompletion(CONNECT_TIMEOUT_MS);
        } catch (MqttException e) {
            LOG.debug("subscription not confirmed before BIRTH: {}", e.getMessage());
        }
    }

    /** Subscribes without waiting; the token (null when the request could not be made) completes on the SUBACK. */
    private IMqttToken subscribeNow(String topic) {
        try {
            return client.subscribe(topic, 1, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int granted = token.getGrantedQos() == null || token.getGrantedQos().length == 0 ? -1 : token.getGrantedQos()[0];
                    if (granted < 0 || granted > 2) {
                        LOG.error("broker refused the subscription to {} (SUBACK {}): control messages cannot reach this box", topic, granted);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    LOG.warn("subscription to {} failed: {}; retried at the next connect", topic, String.valueOf(failure));
                }
            });
        } catch (MqttException e) {
            LOG.warn("subscription to {} failed: {}; retried at the next connect", topic, e.getMessage());
            return null;
        }
    }

    /** Hands control messages to their listener; a listener's failure must not drop the connection. */
    private final class ControlDispatch implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            // the link loop notices isConnected() == false and reconnects
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            ControlListener l = control.get(topic);
            if (l == null) {
                LOG.warn("message on {} without a listener; ignored", topic);
                return;
            }
            try {
                l.onMessage(topic, message.getPayload());
            } catch (RuntimeException e) {
                LOG.error("control listener of {} failed", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // publishes are tracked by their own action listeners
        }
    }

    private void publishLifecycle(KuraTopic topic, KuraPayload payload, int qos) throws MqttException {
        MqttMessage m = new MqttMessage(KuraPayloadCodec.encode(payload));
        m.setQos(qos);
        client.publish(topic.toString(), m).waitForCompletion(CONNECT_TIMEOUT_MS);
    }

    /**
     * Publishes the outbox in priority-then-age order while the link is up, keeping at most
     * {@code maxInflight} unacknowledged. The next read from the outbox skips what is already on
     * the wire, so the pipeline never stalls between reads; acknowledged messages are deleted in
     * batches. What is unacknowledged when the link drops stays in the outbox and goes again.
     *
     * <p>A message queued at a higher priority than the one about to go (an emergency report behind
     * a backlog of documents) stops the batch being sent: the outbox is read again, so the newcomer
     * overtakes everything still waiting, also what was read already; only what is on the wire goes
     * before it.
     */
    private void drainWhileConnected() throws InterruptedException {
        int window = settings.maxInflight();
        Semaphore slots = new Semaphore(window);
        Set<Long> onWire = ConcurrentHashMap.newKeySet(); // published, not yet deleted from the outbox
        // bounded by the window: a sequence number is queued here only once its publish held one of the slots
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        try {
            while (running && client.isConnected()) {
                deleteAcknowledged(acked, onWire, ACK_BATCH);
                long[] seen = outbox.queuedByPriority(); // before the read: a later arrival is noticed below
                List<StoredMessage> next = outbox.peek(DRAIN_BATCH, DRAIN_BYTES, Set.copyOf(onWire));
                if (next.isEmpty()) {
                    if (onWire.isEmpty()) {
                        outbox.awaitWork(IDLE_WAIT_MS);
                    } else {
                        deleteAcknowledged(acked, onWire, 1);
                        Thread.sleep(ACK_WAIT_MS); // the last PUBACKs are on their way
                    }
                    continue;
                }
                for (StoredMessage m : next) {
                    Sent sent = publishOne(m, slots, onWire, acked, () -> outbox.moreUrgentSince(seen, m.priority()));
                    if (sent == Sent.LINK_GONE) {
                        return;
                    }
                    if (sent == Sent.OVERTAKEN) {
                        break; // read again: the more urgent message goes next
                    }
                }
            }
        } finally {
            deleteAcknowledged(acked, onWire, 1);
        }
    }

    private enum Sent { PUBLISHED, OVERTAKEN, LINK_GONE }

    /**
     * Publishes one message once a window slot is free, unless the link is gone or, by the time a
     * slot is free, a more urgent message was queued ({@code overtaken}).
     */
    private Sent publishOne(StoredMessage m, Semaphore slots, Set<Long> onWire, ConcurrentLinkedQueue<Long> acked,
                            java.util.function.BooleanSupplier overtaken) throws InterruptedException {
        while (!slots.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
            if (!client.isConnected() || !running) {
                return Sent.LINK_GONE;
            }
        }
        if (overtaken.getAsBoolean()) {
            slots.release();
            return Sent.OVERTAKEN;
        }
        MqttMessage message = new MqttMessage(m.payload());
        message.setQos(1);
        onWire.add(m.seq());
        try {
            client.publish(m.topic(), message, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    acked.add(m.seq()); // QoS 1: the token completes on PUBACK
                    slots.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    onWire.remove(m.seq()); // not acknowledged: the next read picks it up again
                    slots.release();
                }
            });
            published.increment();
            return Sent.PUBLISHED;
        } catch (MqttException e) {
            onWire.remove(m.seq());
            slots.release();
            LOG.warn("publish of message {} failed: {}", m.seq(), e.getMessage());
            return Sent.LINK_GONE;
        }
    }

    /** Deletes acknowledged messages in one transaction once at least {@code min} are waiting. */
    private void deleteAcknowledged(ConcurrentLinkedQueue<Long> acked, Set<Long> onWire, int min) {
        if (acked.size() < min) {
            return;
        }
        List<Long> done = new ArrayList<>();
        for (Long seq; (seq = acked.poll()) != null; ) {
            done.add(seq);
        }
        outbox.acknowledge(done);
        onWire.removeAll(done);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops draining, publishes DC (QoS 0, as Kura does) and disconnects cleanly. Without Paho's quiesce: the link no
     * longer records acknowledgements (what is unacknowledged stays in the outbox), and Paho 1.2.5 quiesces on a
     * thread of its own that outlives a timed-out wait and then fails with a NullPointerException once the client is
     * closed. Returns once Paho's threads of this client have ended (at most {@value #CONNECT_TIMEOUT_MS} ms more),
     * also when a connect was in flight: a broker that took the TCP connection and never answers CONNECT would
     * otherwise keep them, and the socket, for good. A second close() does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        link.interrupt();
        try {
            link.join(CONNECT_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean closable = true;
        try {
            if (client.isConnected()) {
                publishLifecycle(KuraTopic.disconnect(settings.account(), identity.clientId()), lifecycle.disconnect(), 0);
                client.disconnect(0).waitForCompletion(CONNECT_TIMEOUT_MS);
            } else {
                // A connect may be in flight. Paho 1.2.5 cannot stop one while it starts its threads (it waits, deaf to
                // interrupts, for a receiver the stop cancelled): let it send its CONNECT (at most its TCP connect
                // timeout), then drop the connection, which ends what it started.
                awaitConnectStarted();
                stopForcibly();
            }
        } catch (MqttException e) {
            LOG.warn("clean disconnect from {} failed: {}", client.getCurrentServerURI(), e.getMessage());
            stopForcibly();
            closable = false; // no close(): it clears state Paho's disconnect thread may still be using
        }
        if (closable) {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("closing MQTT client", e);
            }
        }
        awaitPahoThreads();
    }

    private void awaitConnectStarted() {
        try {
            if (!pahoThreads.awaitStarts(CONNECT_TIMEOUT_MS)) {
                LOG.warn("MQTT client {}: its connect still starts {} ms after close", identity.clientId(), CONNECT_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends Paho's threads of this client (a read waits at most Paho's one-second socket timeout) and waits for them. */
    private void awaitPahoThreads() {
        pahoThreads.shutdownNow();
        try {
            if (!pahoThreads.awaitTermination(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("MQTT client {}: Paho's threads still run {} ms after close", identity.clientId(), CONNECT_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops the connection without a DISCONNECT (the broker then publishes the last will). */
    private void stopForcibly() {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException e) {
            LOG.debug("dropping the MQTT connection", e);
        }
    }
}
