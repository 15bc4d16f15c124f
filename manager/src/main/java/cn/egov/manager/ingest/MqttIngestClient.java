package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.topic.KuraTopic;
import java.time.Duration;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's MQTT subscriber (Paho, MQTT 3.1.1). It keeps a persistent session
 * (cleanSession=false) so the broker holds messages while the manager is down, and acknowledges
 * each QoS 1 message only after the writer committed it (manual acks). When the ingest queue is
 * full, the receive callback waits: the broker keeps the rest (back-pressure, not loss).
 * Subscribes to {@code $EDC/<acct>/+/MQTT/+} and {@code <acct>/+/#}. Telemetry of an application a
 * part receives itself ({@link TelemetryListeners#receive}) goes to that part, which acknowledges
 * it after its own commit: the manager holds one session, whatever the broker.
 */
public final class MqttIngestClient implements IngestSession {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngestClient.class);
    private static final int KEEP_ALIVE_S = 30;
    private static final int CONNECT_TIMEOUT_S = 10;
    /** Our own outgoing window (policy and requests to boxes). */
    private static final int MAX_OUTGOING_INFLIGHT = 1000;

    private final MqttClient client;
    private final MqttConnectOptions options;
    private final List<String> filters;
    private final IngestMetrics metrics;
    private final Arrivals arrivals;

    public MqttIngestClient(String brokerUrl, String clientId, String username, String password, String account,
                            IngestQueue queue, IngestMetrics metrics, TelemetryListeners parts) throws MqttException {
        this(brokerUrl, clientId, username, password, subscriptions(account), new Arrivals(queue, metrics, parts), metrics);
    }

    /**
     * The manager's session to publish to boxes only, subscribing to nothing: the embedded broker's
     * subscription is consumed in its JVM ({@link InVmIngestClient}).
     */
    static MqttIngestClient publisher(String brokerUrl, String clientId, String username, String password, IngestMetrics metrics)
            throws MqttException {
        return new MqttIngestClient(brokerUrl, clientId, username, password, List.of(), null, metrics);
    }

    private MqttIngestClient(String brokerUrl, String clientId, String username, String password, List<String> filters,
                             Arrivals arrivals, IngestMetrics metrics) throws MqttException {
        this.client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        this.metrics = metrics;
        this.arrivals = arrivals;
        this.filters = filters;
        this.options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setKeepAliveInterval(KEEP_ALIVE_S);
        options.setConnectionTimeout(CONNECT_TIMEOUT_S);
        options.setMaxInflight(MAX_OUTGOING_INFLIGHT);
        if (!username.isEmpty()) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
    }

    /** The two filters the manager subscribes to for an account. */
    public static List<String> subscriptions(String account) {
        return List.of(KuraTopic.CONTROL_PREFIX + "/" + account + "/+/" + KuraTopic.MQTT_APP + "/+", account + "/+/#");
    }

    @Override
    public void start() throws MqttException {
        client.connect(options);
        subscribe();
    }

    private void subscribe() throws MqttException {
        if (filters.isEmpty()) {
            return;
        }
        client.subscribe(filters.toArray(String[]::new), new int[] {1, 1});
        LOG.info("subscribed to {} at {}", filters, client.getServerURI());
    }

    @Override
    public void ack(InboundMessage m) {
        if (m.qos() == 0) {
            return;
        }
        try {
            client.messageArrivedComplete((int) m.deliveryId(), m.qos());
        } catch (MqttException | RuntimeException e) {
            // the session is persistent: an ack lost with the connection (or to a client closed at
            // shutdown, which Paho reports with a NullPointerException) means a redelivery, which dedupe absorbs
            LOG.debug("ack of {} not sent: {}", m.deliveryId(), e.toString());
        }
    }

    @Override
    public void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws MqttException {
        client.publish(topic.toString(), KuraPayloadCodec.encode(payload), 1, retained);
    }

    @Override
    public boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
        boolean[] ok = new boolean[messages.size()];
        IMqttDeliveryToken[] tokens = new IMqttDeliveryToken[messages.size()];
        for (int i = 0; i < tokens.length; i++) {
            MqttMessage m = new MqttMessage(KuraPayloadCodec.encode(messages.get(i).payload()));
            m.setQos(1);
            try {
                MqttTopic topic = client.getTopic(messages.get(i).topic().toString());
                tokens[i] = topic.publish(m); // does not wait: the whole batch is in flight at once
            } catch (MqttException | RuntimeException e) {
                LOG.debug("publish to {} not sent: {}", messages.get(i).topic(), e.toString());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                continue;
            }
            try {
                tokens[i].waitForCompletion(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                ok[i] = tokens[i].isComplete() && tokens[i].getException() == null;
            } catch (MqttException e) {
                LOG.debug("publish to {} not acknowledged: {}", messages.get(i).topic(), e.toString());
            }
        }
        return ok;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            LOG.debug("closing the subscriber: {}", e.toString());
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
                LOG.info("reconnected to {}", serverURI);
                try {
                    subscribe(); // harmless with a persistent session, needed if the broker lost it
                } catch (MqttException e) {
                    LOG.warn("re-subscribing failed: {}", e.toString());
                }
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            metrics.connectionLosses.increment();
            LOG.warn("connection to the broker lost: {}", String.valueOf(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            if (arrivals == null) {
                LOG.warn("message on '{}' to a session that subscribes to nothing: left unacknowledged", topic);
                return;
            }
            arrivals.arrived(new InboundMessage(topic, message.getPayload(), message.getId(), message.getQos(), System.currentTimeMillis()),
                    MqttIngestClient.this);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
