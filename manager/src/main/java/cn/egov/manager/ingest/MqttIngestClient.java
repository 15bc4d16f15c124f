package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.topic.KuraTopic;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's MQTT subscriber (Paho, MQTT 3.1.1). It keeps a persistent session
 * (cleanSession=false) so the broker holds messages while the manager is down, and acknowledges
 * each QoS 1 message only after the writer committed it (manual acks). When the ingest queue is
 * full, the receive callback waits: the broker keeps the rest (back-pressure, not loss).
 * Subscribes to {@code $EDC/<acct>/+/MQTT/+} and {@code <acct>/+/#}.
 */
public final class MqttIngestClient implements Acknowledger, BoxMessenger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngestClient.class);
    private static final int KEEP_ALIVE_S = 30;
    private static final int CONNECT_TIMEOUT_S = 10;
    /** Our own outgoing window (policy and requests to boxes). */
    private static final int MAX_OUTGOING_INFLIGHT = 1000;

    private final MqttClient client;
    private final MqttConnectOptions options;
    private final List<String> filters;
    private final IngestQueue queue;
    private final IngestMetrics metrics;

    public MqttIngestClient(String brokerUrl, String clientId, String username, String password, String account,
                            IngestQueue queue, IngestMetrics metrics) throws MqttException {
        this.client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        this.queue = queue;
        this.metrics = metrics;
        this.filters = subscriptions(account);
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

    public void start() throws MqttException {
        client.connect(options);
        subscribe();
    }

    private void subscribe() throws MqttException {
        client.subscribe(filters.toArray(String[]::new), new int[] {1, 1});
        LOG.info("subscribed to {} at {}", filters, client.getServerURI());
    }

    @Override
    public void ack(InboundMessage m) {
        if (m.qos() == 0) {
            return;
        }
        try {
            client.messageArrivedComplete(m.mqttId(), m.qos());
        } catch (MqttException | RuntimeException e) {
            // the session is persistent: an ack lost with the connection (or to a client closed at
            // shutdown, which Paho reports with a NullPointerException) means a redelivery, which dedupe absorbs
            LOG.debug("ack of {} not sent: {}", m.mqttId(), e.toString());
        }
    }

    @Override
    public void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws MqttException {
        client.publish(topic.toString(), KuraPayloadCodec.encode(payload), 1, retained);
    }

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
            metrics.received.increment();
            queue.put(new InboundMessage(topic, message.getPayload(), message.getId(), message.getQos(), System.currentTimeMillis()));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
