package cn.egov.telemetry;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A Paho subscriber that records every message it receives, in arrival order. */
public final class RecordingSubscriber implements AutoCloseable {
    public record Received(String topic, KuraPayload payload) {
    }

    private final MqttClient client;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    /**
     * @param persistentSession true to keep the session (and messages queued for it) while disconnected
     */
    public RecordingSubscriber(String url, String clientId, boolean persistentSession, String... filters) throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws PayloadFormatException {
                received.add(new Received(topic, KuraPayloadCodec.decode(message.getPayload())));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(!persistentSession);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setMaxInflight(1000);
        client.connect(o);
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        client.subscribe(filters, qos);
    }

    /** The next message, or null after the timeout. */
    public Received next(long timeoutMs) throws InterruptedException {
        return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Collects until {@code count} messages matched or the timeout passed. */
    public List<Received> collect(java.util.function.Predicate<Received> filter, int count, long timeoutMs) throws InterruptedException {
        List<Received> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (out.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            Received r = received.poll(left, TimeUnit.MILLISECONDS);
            if (r != null && filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Collects until {@code done} holds for what was collected (checked as each message arrives, and
     * while none does), or the timeout passed: a wait for the messages a test expects, where a quiet
     * moment on a busy machine would end {@link #drainFor(long)} early.
     */
    public List<Received> collectUntil(java.util.function.Predicate<List<Received>> done, long timeoutMs) throws InterruptedException {
        List<Received> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.test(out) && System.currentTimeMillis() < deadline) {
            Received r = received.poll(100, TimeUnit.MILLISECONDS);
            if (r != null) {
                out.add(r);
                received.drainTo(out);
            }
        }
        return out;
    }

    /** Whatever else arrives within {@code quietMs}. */
    public List<Received> drainFor(long quietMs) throws InterruptedException {
        List<Received> out = new ArrayList<>();
        for (Received r; (r = received.poll(quietMs, TimeUnit.MILLISECONDS)) != null; ) {
            out.add(r);
        }
        return out;
    }

    public void disconnect() throws MqttException {
        client.disconnect();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
