package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.text.LogSafe;
import cn.egov.api.topic.KuraTopic;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's ingest client on a RabbitMQ cluster ({@code broker.mode = rabbitmq}): boxes publish
 * over MQTT to any node; the MQTT plugin routes each message into {@code amq.topic}, and one durable
 * <b>quorum</b> queue (replicated by Raft on the cluster's nodes) bound there with the manager's two
 * filters ({@link AmqpTopics#bindings}) holds every message for the manager. Every manager node
 * consumes from that same queue: competing consumers, so the nodes split the load; each delivery
 * is acknowledged (manual ack) only after the writer committed it, and at most {@code prefetch}
 * deliveries are unacknowledged per node. When a node dies, its connection closes and RabbitMQ hands
 * what it had not acknowledged to the other nodes (the store's (client id, epoch, seq) dedupe drops
 * what the dead node had already committed). A message stays with the broker until some node has
 * committed it.
 *
 * <p>Why not an MQTT subscription per node: a persistent MQTT session has one client id, and two
 * nodes subscribing each get every message (MQTT 3.1.1 has no shared subscriptions; RabbitMQ 3.10's
 * plugin neither). The AMQP queue is the same queue the MQTT plugin itself would use, with competing
 * consumers and Raft replication.
 *
 * <p>Publishing to boxes (policy, requests, notices) goes to {@code amq.topic} with the MQTT routing
 * key on a channel with publisher confirms: a box subscribed over MQTT receives it at QoS 1
 * ({@code x-mqtt-publish-qos}), and {@link #publish} returns once the broker confirmed it. RabbitMQ
 * keeps no retained message for an AMQP publish (and 3.10 keeps MQTT retained messages on one node
 * only), so {@code retained} is not carried: see the manager's README for what makes up for it.
 *
 * <p>Node list: every node's AMQP address; amqp-client connects to one of them (shuffled, so nodes
 * spread over the cluster) and, when it is lost, recovers the connection, channels, queue, bindings
 * and consumer on another (automatic recovery). An acknowledgement of a delivery from before a
 * recovery is not sent (the client drops stale delivery tags): that message comes again, and dedupe
 * absorbs it.
 */
public final class AmqpIngestClient implements IngestSession {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpIngestClient.class);
    /** Header the MQTT plugin puts on a box's publish, and reads on a message it delivers to a box. */
    static final String QOS_HEADER = "x-mqtt-publish-qos";
    private static final int HEARTBEAT_S = 10;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final long RECOVERY_INTERVAL_MS = 1_000;
    private static final long CONFIRM_TIMEOUT_MS = 30_000;

    /** How to reach the cluster and what to consume. */
    public record Settings(List<Address> addresses, String vhost, String username, String password, String queue, int prefetch,
                           String connectionName) {
        @Override
        public String toString() {
            return "Settings[" + addresses + ", vhost " + vhost + ", user " + username + ", queue " + queue + "]"; // never the secret
        }
    }

    private final Settings settings;
    private final List<String> bindings;
    private final IngestMetrics metrics;
    private final Arrivals arrivals;
    /** The writer and parts' receivers acknowledge from their own threads; parts publish from theirs. */
    private final Object ackLock = new Object();
    private final Object publishLock = new Object();
    private Connection connection;
    private Channel consume;
    private Channel publish;

    public AmqpIngestClient(Settings settings, String account, IngestQueue queue, IngestMetrics metrics, TelemetryListeners parts) {
        this.settings = settings;
        this.bindings = AmqpTopics.bindings(AmqpTopics.requireNoDot(account));
        this.metrics = metrics;
        this.arrivals = new Arrivals(queue, metrics, parts);
    }

    @Override
    public void start() throws IOException, TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setVirtualHost(settings.vhost());
        if (!settings.username().isEmpty()) {
            f.setUsername(settings.username());
            f.setPassword(settings.password());
        }
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true); // the queue, its bindings and the consumer come back on the new node
        f.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        f.setRequestedHeartbeat(HEARTBEAT_S);
        f.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        List<Address> order = new ArrayList<>(settings.addresses());
        Collections.shuffle(order); // nodes spread their connections over the cluster
        connection = f.newConnection(order, settings.connectionName());
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable r) {
                LOG.info("reconnected to the RabbitMQ cluster at {}:{}", connection.getAddress().getHostAddress(), connection.getPort());
            }

            @Override
            public void handleRecoveryStarted(Recoverable r) {
            }
        });
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                metrics.connectionLosses.increment();
                LOG.warn("connection to the RabbitMQ cluster lost: {}", LogSafe.of(String.valueOf(cause.getMessage())));
            }
        });
        publish = connection.createChannel();
        publish.confirmSelect();
        consume = connection.createChannel();
        // a quorum queue: durable, replicated by Raft; declared alike by every node (idempotent)
        consume.queueDeclare(settings.queue(), true, false, false, Map.of("x-queue-type", "quorum"));
        for (String key : bindings) {
            consume.queueBind(settings.queue(), AmqpTopics.EXCHANGE, key);
        }
        consume.basicQos(settings.prefetch()); // the bound of what this node holds unacknowledged
        consume.basicConsume(settings.queue(), false, settings.connectionName(), new Consumer(consume));
        LOG.info("consuming from quorum queue {} (bound to {} with {}) at {}, prefetch {}", settings.queue(), AmqpTopics.EXCHANGE,
                bindings, connection.getAddress().getHostAddress() + ":" + connection.getPort(), settings.prefetch());
    }

    @Override
    public void ack(InboundMessage m) {
        try {
            synchronized (ackLock) {
                consume.basicAck(m.deliveryId(), false);
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone: the broker gives the message to a consumer again; dedupe absorbs it
            LOG.debug("ack of {} not sent: {}", m.deliveryId(), e.toString());
        }
    }

    @Override
    public void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws IOException, InterruptedException, TimeoutException {
        synchronized (publishLock) {
            send(topic, KuraPayloadCodec.encode(payload));
            // not waitForConfirmsOrDie: that closes the channel, and a channel the application closed is not recovered
            if (!publish.waitForConfirms(CONFIRM_TIMEOUT_MS)) {
                throw new IOException("the broker refused the message to " + topic);
            }
        }
    }

    /** All in flight at once; confirms are the channel's, so either all are confirmed in time or all count as not sent. */
    @Override
    public boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
        boolean[] ok = new boolean[messages.size()];
        synchronized (publishLock) {
            try {
                for (Outgoing m : messages) {
                    send(m.topic(), KuraPayloadCodec.encode(m.payload()));
                }
                if (publish.waitForConfirms(Math.max(1, timeout.toMillis()))) {
                    java.util.Arrays.fill(ok, true);
                }
            } catch (IOException | TimeoutException | RuntimeException e) {
                LOG.debug("publishing {} messages: {}", messages.size(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ok;
    }

    private void send(KuraTopic topic, byte[] body) throws IOException {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                .headers(Map.of(QOS_HEADER, (byte) 1)).build();
        publish.basicPublish(AmqpTopics.EXCHANGE, AmqpTopics.toRoutingKey(topic.toString()), props, body);
    }

    @Override
    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.isOpen();
    }

    @Override
    public void close() {
        Connection c = connection;
        if (c != null && c.isOpen()) {
            try {
                c.close(5_000); // unacknowledged deliveries go back to the queue for the other nodes
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing the RabbitMQ connection: {}", e.toString());
            }
        }
    }

    private final class Consumer extends DefaultConsumer {
        Consumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            String topic = AmqpTopics.toTopic(envelope.getRoutingKey());
            InboundMessage m = new InboundMessage(topic, body, envelope.getDeliveryTag(), qos(props), System.currentTimeMillis());
            try {
                arrivals.arrived(m, AmqpIngestClient.this); // waits when full; prefetch bounds what the broker sends meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing: not acknowledged, so delivered again
            }
        }

        @Override
        public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
            LOG.debug("consumer {} stopped: {}", tag, sig.getMessage());
        }
    }

    /** QoS 0 publishes come with header 0: acknowledged all the same (the queue delivered them). */
    private static int qos(AMQP.BasicProperties props) {
        Object q = props.getHeaders() == null ? null : props.getHeaders().get(QOS_HEADER);
        return q instanceof Number n ? n.intValue() : 1;
    }
}
