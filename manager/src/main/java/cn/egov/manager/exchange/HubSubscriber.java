package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.text.LogSafe;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.BrokerLogin;
import cn.egov.rules.unit.UnitCode;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's two MQTT connections. The receiver has a persistent session on
 * {@code <account>/+/EXCHANGE/#}, acknowledges a message only after the hub committed it (a crash
 * before means a redelivery, which the message id de-duplicates), and hands messages to one writer
 * thread through a bounded queue (when it is full the receiver waits: back-pressure, nothing is
 * dropped). The sender publishes to boxes from other threads: Paho cannot publish and wait from a
 * connection whose callback thread is blocked.
 */
public final class HubSubscriber implements BoxSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubSubscriber.class);
    private static final int MAX_INFLIGHT = 1000;

    private record Inbound(String topic, MqttMessage message) {
    }

    private final String account;
    private final MqttClient receiver;
    private final MqttClient publisher;
    private final BrokerLogin login;
    private final BlockingQueue<Inbound> queue;
    private final ExchangeHub hub;
    private final Thread writer;
    private final LongAdder malformed = new LongAdder();
    private volatile boolean running = true;

    public HubSubscriber(BrokerLogin login, String clientId, String account, int capacity, HubFactory hubFactory) throws MqttException {
        this.account = account;
        this.login = login;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.receiver = new MqttClient(login.url(), clientId, new MemoryPersistence());
        this.publisher = new MqttClient(login.url(), clientId + "-out", new MemoryPersistence());
        this.hub = hubFactory.create(this);
        receiver.setManualAcks(true);
        receiver.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    subscribe();
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("exchange hub lost the broker: {}", String.valueOf(cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
                queue.put(new Inbound(topic, message));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        this.writer = new Thread(this::drain, "exchange-hub");
    }

    /** Builds the hub once its sender exists. */
    @FunctionalInterface
    public interface HubFactory {
        ExchangeHub create(BoxSender sender);
    }

    public ExchangeHub hub() {
        return hub;
    }

    public static String filter(String account) {
        return account + "/+/" + ExchangeWire.APP_ID + "/#";
    }

    public void start() throws MqttException {
        publisher.connect(login.options(true, MAX_INFLIGHT));
        receiver.connect(login.options(false, MAX_INFLIGHT));
        writer.start();
        subscribe();
    }

    private void subscribe() {
        try {
            receiver.subscribe(filter(account), 1);
        } catch (MqttException e) {
            LOG.warn("exchange hub cannot subscribe: {}", e.toString());
        }
    }

    private void drain() {
        while (running) {
            Inbound in;
            try {
                in = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (in == null) {
                continue;
            }
            while (running) {
                try {
                    handle(in);
                    break;
                } catch (java.sql.SQLException e) {
                    // the store is down: keep the message (not acknowledged) and try again
                    LOG.warn("exchange hub store error, retrying: {}", e.toString());
                    sleep();
                }
            }
            try {
                receiver.messageArrivedComplete(in.message().getId(), in.message().getQos());
            } catch (MqttException | RuntimeException e) {
                LOG.debug("ack not sent (redelivery is de-duplicated): {}", e.toString());
            }
        }
    }

    private void handle(Inbound in) throws java.sql.SQLException {
        var topic = KuraTopic.parse(in.topic());
        if (topic.isEmpty() || topic.get().control() || !UnitCode.isValid(topic.get().clientId())) {
            malformed.increment();
            return;
        }
        KuraPayload p;
        try {
            p = KuraPayloadCodec.decode(in.message().getPayload());
        } catch (cn.egov.api.payload.PayloadFormatException | RuntimeException e) {
            malformed.increment();
            LOG.warn("exchange message on {} is not a KuraPayload: {}", LogSafe.of(in.topic()), LogSafe.of(e.getMessage()));
            return;
        }
        hub.onBoxMessage(topic.get().clientId(), topic.get().resource(), p);
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void publish(String box, String resource, KuraPayload payload) throws MqttException {
        publisher.publish(KuraTopic.control(account, box, ExchangeWire.APP_ID, resource).toString(),
                KuraPayloadCodec.encode(payload), 1, false);
    }

    public int depth() {
        return queue.size();
    }

    public int capacity() {
        return queue.remainingCapacity() + queue.size();
    }

    public long malformed() {
        return malformed.sum();
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (MqttClient c : new MqttClient[] {receiver, publisher}) {
            try {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            } catch (MqttException e) {
                LOG.debug("closing {}: {}", c.getClientId(), e.toString());
            }
        }
    }
}
