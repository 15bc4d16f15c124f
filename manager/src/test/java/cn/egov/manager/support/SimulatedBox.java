package cn.egov.manager.support;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.ManagerAssembly;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A box simulated with Paho and the KuraPayload codec: BIRTH, health with message ids, raw
 * publishes. Publishes QoS 1 with a window of outstanding messages, as fast as the broker acks.
 * It logs in as its unit: on the lab listener with its password ({@link #lab}, {@link #withPassword}),
 * over TLS with its certificate ({@link #withTls}).
 */
public final class SimulatedBox implements AutoCloseable {

    public static final String ACCOUNT = "hebei";
    private static final int WINDOW = 50;
    private static final int PAHO_MAX_INFLIGHT = WINDOW * 20;
    /** Generous: 50 boxes connecting at once on a loaded 2-core CI host. */
    private static final int CONNECT_TIMEOUT_S = 60;
    /** What {@link #close()} waits for outstanding publishes to be acknowledged, and then for the DISCONNECT. */
    private static final long CLOSE_QUIESCE_MS = 5000;
    private static final long CLOSE_DISCONNECT_MS = 5000;

    private final MqttAsyncClient client;
    private final String clientId;
    private final String epoch = UUID.randomUUID().toString();
    private final Deque<IMqttDeliveryToken> outstanding = new ArrayDeque<>();
    private final AtomicInteger connectionLosses = new AtomicInteger();
    private long seq;
    private String password;
    private SSLSocketFactory tls;
    private boolean will = true;

    public SimulatedBox(String brokerUrl, String clientId) throws MqttException {
        this.clientId = clientId;
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setCallback(new OnConnectionLost(() -> connectionLosses.incrementAndGet()));
    }

    /** A box on the manager's lab listener, with a password issued for it now. */
    public static SimulatedBox lab(ManagerAssembly manager, String unit) throws MqttException {
        return new SimulatedBox(manager.brokerUrl(), unit).withPassword(ManagerFixture.labPassword(manager, unit));
    }

    /** Logs in with user name = its unit code and this password. */
    public SimulatedBox withPassword(String password) {
        this.password = password;
        return this;
    }

    /** Connects over TLS with this socket factory (the box's key and certificate; {@code ssl://} URL). */
    public SimulatedBox withTls(SSLSocketFactory factory) {
        this.tls = factory;
        return this;
    }

    /** Connects without a last will: a test that restarts the manager must not see one a slow close let the broker send. */
    public SimulatedBox withoutWill() {
        this.will = false;
        return this;
    }

    public SimulatedBox connect() throws MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        if (password != null) {
            o.setUserName(clientId);
            o.setPassword(password.toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        // Paho's own in-flight count can lag the tokens it has completed (CI saw "too many publishes in progress"
        // with the cap at twice the window): the cap is kept far above the window
        o.setMaxInflight(PAHO_MAX_INFLIGHT);
        if (will) {
            o.setWill(KuraTopic.lastWill(ACCOUNT, clientId).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                    .timestamp(System.currentTimeMillis()).build()), 1, false);
        }
        o.setConnectionTimeout(CONNECT_TIMEOUT_S);
        client.connect(o).waitForCompletion(CONNECT_TIMEOUT_S * 1000L);
        return this;
    }

    public String clientId() {
        return clientId;
    }

    public void birth(int healthIntervalS) throws MqttException {
        publish(KuraTopic.birth(ACCOUNT, clientId).toString(), KuraPayloadCodec.encode(withId(KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(BoxMetrics.DISPLAY_NAME, "测试单位 " + clientId)
                .metric(BoxMetrics.UNIT_CODE, clientId)
                .metric(BoxMetrics.FIRMWARE_VERSION, "0.1.0-test")
                .metric(BoxMetrics.HEALTH_INTERVAL_S, healthIntervalS))));
    }

    /** One health message with the next sequence number; returns that number. */
    public long health() throws MqttException {
        long s = seq;
        publish(KuraTopic.telemetry(ACCOUNT, clientId, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayloadCodec.encode(withId(KuraPayload.builder()
                        .timestamp(System.currentTimeMillis())
                        .metric(BoxMetrics.CPU_LOAD, 0.25)
                        .metric(BoxMetrics.HEAP_USED_BYTES, 40L * 1024 * 1024)
                        .metric(BoxMetrics.HEAP_MAX_BYTES, 128L * 1024 * 1024)
                        .metric(BoxMetrics.DISK_FREE_BYTES, 2048L * 1024 * 1024)
                        .metric(BoxMetrics.OUTBOX_DEPTH, 0L))));
        return s;
    }

    public void disconnectMessage() throws MqttException {
        publish(KuraTopic.disconnect(ACCOUNT, clientId).toString(), KuraPayloadCodec.encode(withId(KuraPayload.builder()
                .timestamp(System.currentTimeMillis()))));
    }

    private KuraPayload withId(KuraPayload.Builder b) {
        return b.metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq++).build();
    }

    /** Subscribes at QoS 1 (the broker lets a box subscribe only in its own control namespace); waits for the grant. */
    public void subscribe(String filter, java.util.function.BiConsumer<String, byte[]> listener) throws MqttException {
        IMqttToken t = client.subscribe(filter, 1, (topic, message) -> listener.accept(topic, message.getPayload()));
        t.waitForCompletion(60_000);
        if (t.getGrantedQos() != null && t.getGrantedQos().length > 0 && t.getGrantedQos()[0] == 0x80) {
            throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED);
        }
    }

    public String epoch() {
        return epoch;
    }

    /** QoS 1 publish; waits only when the window of unacknowledged messages is full. */
    public void publish(String topic, byte[] payload) throws MqttException {
        while (outstanding.size() >= WINDOW) {
            outstanding.removeFirst().waitForCompletion(60_000);
        }
        while (true) {
            try {
                outstanding.addLast(client.publish(topic, payload, 1, false));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || outstanding.isEmpty()) {
                    throw e;
                }
                outstanding.removeFirst().waitForCompletion(60_000); // Paho's count lags (above): one more done, again
            }
        }
    }

    /** Waits until the broker acknowledged every publish. */
    public void flush() throws MqttException {
        while (!outstanding.isEmpty()) {
            outstanding.removeFirst().waitForCompletion(60_000);
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** How often the broker dropped this box's connection (e.g. another client took its session over). */
    public int connectionLosses() {
        return connectionLosses.get();
    }

    /**
     * Gives the broker {@link #CLOSE_QUIESCE_MS} to acknowledge what is outstanding, then disconnects without Paho's
     * own quiesce. Paho 1.2.5's {@code disconnect()} quiesces on a thread of its own ("MQTT Disc"), which waits up to
     * 30 s when a publish stays unacknowledged (a frozen broker, or one that closed the connection after refusing it)
     * and outlives a timed-out wait: after {@code close()} cleared the client's state it fails with a
     * NullPointerException in {@code ClientState.quiesce} on stderr, in whichever test runs then.
     */
    @Override
    public void close() throws MqttException {
        quiesce();
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(CLOSE_DISCONNECT_MS);
            }
        } catch (MqttException e) {
            // the connection was lost meanwhile, or the DISCONNECT could not be written: stop it here. No close(): it
            // clears state Paho's disconnect thread may still be using
            client.disconnectForcibly(0, 0, false);
            return;
        }
        client.close(true);
    }

    private void quiesce() {
        long end = System.nanoTime() + CLOSE_QUIESCE_MS * 1_000_000;
        try {
            while (!outstanding.isEmpty() && client.isConnected()) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                outstanding.removeFirst().waitForCompletion(left);
            }
        } catch (MqttException e) {
            // not acknowledged (timed out, or the connection is gone): closing anyway
        }
    }
}
