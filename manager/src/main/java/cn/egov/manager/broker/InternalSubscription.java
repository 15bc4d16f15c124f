package cn.egov.manager.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.management.impl.ManagementRemotingConnection;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's durable subscription consumed inside the JVM: a broker session of its own with one
 * consumer on each of the subscription's queues, the very queues an MQTT subscription of the same
 * client id and filters has ({@code <client id>.<filter as a core address>}), so that messages
 * waiting there from an MQTT subscriber before are consumed too, and the other way round.
 *
 * <p>Why: in the 1,000,000-message storm the manager's MQTT subscriber over loopback was half of
 * what the drain cost after the last PUBACK: the broker encoding every message as an MQTT PUBLISH
 * and tracking its PUBACK, and Paho's receive thread copying each packet byte by byte
 * (bench/RESULTS.md, drain). Here a delivery is the stored message's bytes handed over.
 *
 * <p>Contract, as with the MQTT session: each queue delivers in its order (one consumer, on the
 * queue's executor); a message stays in the broker until {@link #ack} (after the store's commit),
 * and what is not acknowledged when the manager stops or dies is delivered again; at most
 * {@code window} messages, plus one per further queue, are delivered and not yet acknowledged (each
 * queue looks at the window before its delivery, on its own thread), and the rest waits in the
 * broker, paged beyond its memory bound (back-pressure). Only code in this process can open it: no listener,
 * no credentials; its session carries the manager's identity for the broker's authorisation.
 */
public final class InternalSubscription implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InternalSubscription.class);

    /** Receives the messages; called on broker threads, in each queue's order; must not wait long. */
    @FunctionalInterface
    public interface Sink {
        /** @param deliveryId what {@link #ack} takes once the message is committed */
        void deliver(String topic, byte[] payload, long deliveryId);

        /** The window is full: the broker keeps the rest until acknowledgements make room (back-pressure). */
        default void windowFull() {
        }
    }

    private final ServerSession session;
    private final List<Queue> queues = new ArrayList<>();
    private final List<Long> consumers = new ArrayList<>();
    /** Delivered, not yet acknowledged: message id to its consumer. */
    private final Map<Long, ServerConsumer> inFlight = new ConcurrentHashMap<>();
    private final int window;
    private volatile boolean starved;
    private volatile boolean open = true;

    private InternalSubscription(ActiveMQServer server, int window, Sink sink, WildcardConfiguration wildcards) throws Exception {
        this.window = window;
        ManagementRemotingConnection connection = new ManagementRemotingConnection();
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(InternalClientGate.INTERNAL_USER));
        subject.getPrincipals().add(new ClientIdentity(ClientRole.MANAGER, InternalClientGate.INTERNAL_USER));
        connection.setSubject(subject);
        // acknowledgements in the session's transaction, committed per batch (ackAll); an internal session:
        // no login, it never leaves this process
        this.session = server.createInternalSession("egov-manager-in-vm-" + UUID.randomUUID(), Integer.MAX_VALUE, connection,
                true, false, false, false, null, new Callback(sink, wildcards), false, server.newOperationContext(), Map.of(),
                Listener.INTERNAL.domain, false);
    }

    /**
     * Opens the subscription of {@code clientId} to the MQTT topic filters and starts delivering.
     *
     * @param window most messages delivered and not yet acknowledged, plus one per filter beyond the first
     */
    static InternalSubscription open(ActiveMQServer server, WildcardConfiguration wildcards, String clientId, List<String> filters,
                                     int window, Sink sink) throws Exception {
        InternalSubscription s = new InternalSubscription(server, window, sink, wildcards);
        try {
            for (String filter : filters) {
                SimpleString address = SimpleString.of(MQTTUtil.getCoreAddressFromMqttTopic(filter, wildcards));
                SimpleString name = SimpleString.of(MQTTUtil.getCoreQueueFromMqttTopic(filter, clientId, wildcards));
                Queue q = server.locateQueue(name);
                if (q == null) {
                    if (s.session.getAddress(address) == null) {
                        s.session.createAddress(address, RoutingType.MULTICAST, true);
                    }
                    q = s.session.createQueue(QueueConfiguration.of(name).setAddress(address).setRoutingType(RoutingType.MULTICAST)
                            .setDurable(true));
                }
                s.queues.add(q);
                ServerConsumer c = s.session.createConsumer(server.getStorageManager().generateID(), name, null, false, false, -1);
                s.consumers.add(c.getID());
                c.setStarted(true);
            }
            s.session.start();
        } catch (Exception e) {
            s.close();
            throw e;
        }
        LOG.info("the manager's subscription {} consumed in the broker's JVM (window {})", filters, window);
        return s;
    }

    /** Acknowledges a delivered message (after its commit): the broker forgets it. */
    public void ack(long deliveryId) throws Exception {
        ackAll(new long[] {deliveryId});
    }

    /**
     * Acknowledges delivered messages in one broker transaction (one journal commit for a writer's
     * batch, not one per message). Unknown ids (acknowledged already) are skipped; if the session is
     * gone they are delivered again.
     */
    public synchronized void ackAll(long[] deliveryIds) throws Exception {
        if (!open) {
            return;
        }
        boolean any = false;
        for (long id : deliveryIds) {
            ServerConsumer c = inFlight.remove(id);
            if (c != null) {
                session.individualAcknowledge(c.getID(), id);
                any = true;
            }
        }
        if (any) {
            session.commit();
        }
        if (starved) {
            starved = false;
            queues.forEach(Queue::deliverAsync);
        }
    }

    public boolean isOpen() {
        return open;
    }

    /** Delivered and not yet acknowledged. */
    int inFlight() {
        return inFlight.size();
    }

    /**
     * Closes the consumers, then the session: what they hold unacknowledged goes back to its queues, in
     * order, before this returns. Artemis closes a session only once its pending journal writes are
     * done (the last acknowledgements' commit), on another thread: until then its consumers stayed on
     * their queues and, their window emptied here, took every other message from a subscription opened
     * meanwhile (InternalSubscriptionTest: m0-m5, m7, m9). Closing a consumer is immediate; and a closed
     * subscription has no credit, so nothing reaches its sink after this.
     */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        for (long id : consumers) {
            try {
                session.closeConsumer(id);
            } catch (Exception e) {
                LOG.warn("closing a consumer of the manager's in-VM subscription: {}", e.toString());
            }
        }
        try {
            session.close(false);
        } catch (Exception e) {
            LOG.warn("closing the manager's in-VM subscription: {}", e.toString());
        }
        inFlight.clear();
    }

    private final class Callback implements SessionCallback {
        private final Sink sink;
        private final WildcardConfiguration wildcards;

        Callback(Sink sink, WildcardConfiguration wildcards) {
            this.sink = sink;
            this.wildcards = wildcards;
        }

        @Override
        public boolean supportsDirectDelivery() {
            return false; // deliveries on the queue's executor, never on a publishing box's thread
        }

        @Override
        public boolean hasCredits(ServerConsumer consumer) {
            if (!open) {
                return false; // closed: what is left stays on the queue
            }
            if (inFlight.size() < window) {
                return true;
            }
            starved = true;
            // an ack between the first look and the flag would not have seen it: look again
            if (inFlight.size() < window) {
                return true;
            }
            sink.windowFull();
            return false;
        }

        @Override
        public int sendMessage(MessageReference ref, ServerConsumer consumer, int deliveryCount) {
            if (!open) {
                return 0; // handled just before the close: the consumer's close puts it back on the queue
            }
            ICoreMessage m = ref.getMessage().toCore();
            ActiveMQBuffer body = m.getReadOnlyBodyBuffer();
            byte[] payload = new byte[body.readableBytes()];
            body.readBytes(payload);
            long id = m.getMessageID();
            inFlight.put(id, consumer);
            sink.deliver(MQTTUtil.getMqttTopicFromCoreAddress(m.getAddress(), wildcards), payload, id);
            return payload.length;
        }

        @Override
        public int sendLargeMessage(MessageReference ref, ServerConsumer consumer, long bodySize, int deliveryCount) {
            return sendMessage(ref, consumer, deliveryCount); // created with supportLargeMessage=false: not called
        }

        @Override
        public int sendLargeMessageContinuation(ServerConsumer consumer, byte[] body, boolean continues, boolean requiresResponse) {
            return 0;
        }

        @Override
        public void afterDelivery() {
        }

        @Override
        public boolean updateDeliveryCountAfterCancel(ServerConsumer consumer, MessageReference ref, boolean failed) {
            return false;
        }

        @Override
        public void sendProducerCreditsMessage(int credits, SimpleString address) {
        }

        @Override
        public void sendProducerCreditsFailMessage(int credits, SimpleString address) {
        }

        @Override
        public void closed() {
            open = false;
        }

        @Override
        public void disconnect(ServerConsumer consumer, String reason) {
            LOG.warn("the broker closed the manager's in-VM subscription: {}", reason);
            open = false;
        }

        @Override
        public boolean isWritable(ReadyListener listener, Object protocolContext) {
            return true;
        }

        @Override
        public void browserFinished(ServerConsumer consumer) {
        }
    }
}
