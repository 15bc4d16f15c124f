package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.text.LogSafe;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.BrokerLogin;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
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
 * dropped). The writer takes what waits, up to {@link HubSettings#batch()} messages, and commits
 * them in one transaction (group commit), acknowledges them, and leaves what they produced (documents
 * for recipient boxes, notices for senders) to the sender thread, so the next batch is committed
 * while those are on the wire: a 1 MB document to a recipient box no longer holds up every other
 * box's messages. The sender publishes from threads of its own (Paho cannot publish and wait from a
 * connection whose callback thread is blocked), a whole batch in flight at once.
 */
public final class HubSubscriber implements BoxSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubSubscriber.class);
    /** Above the hub's largest batch of publishes (500), which it waits for before the next. */
    private static final int MAX_INFLIGHT = 1000;
    private static final long CONNECT_TIMEOUT_MS = 30_000;
    private static final long PUBLISH_TIMEOUT_MS = 30_000;
    /** Committed batches whose sends may wait: enough to keep committing while a large document is on the wire. */
    private static final int SENDS_WAITING = 16;

    private record Inbound(String topic, MqttMessage message) {
    }

    private final String account;
    private final MqttClient receiver;
    private final MqttAsyncClient publisher;
    private final int batch;
    private final BrokerLogin login;
    private final BlockingQueue<Inbound> queue;
    private final ExchangeHub hub;
    private final Thread writer;
    /** Sends of committed batches waiting for the sender thread; bounded, so the writer waits when it is behind. */
    private final BlockingQueue<Runnable> sends = new ArrayBlockingQueue<>(SENDS_WAITING);
    private final Thread sender;
    private final LongAdder malformed = new LongAdder();
    private volatile boolean running = true;

    public HubSubscriber(BrokerLogin login, String clientId, String account, int capacity, int batch, HubFactory hubFactory)
            throws MqttException {
        this.account = account;
        this.login = login;
        this.batch = batch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.receiver = new MqttClient(login.url(), clientId, new MemoryPersistence());
        this.publisher = new MqttAsyncClient(login.url(), clientId + "-out", new MemoryPersistence());
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
        this.sender = new Thread(this::send, "exchange-hub-send");
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
        publisher.connect(login.options(true, MAX_INFLIGHT)).waitForCompletion(CONNECT_TIMEOUT_MS);
        receiver.connect(login.options(false, MAX_INFLIGHT));
        writer.start();
        sender.start();
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
        List<Inbound> taken = new ArrayList<>(batch);
        while (running) {
            Inbound first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            taken.clear();
            taken.add(first);
            queue.drainTo(taken, batch - 1);
            List<ExchangeHub.BoxMessage> messages = new ArrayList<>(taken.size());
            for (Inbound in : taken) {
                ExchangeHub.BoxMessage m = decode(in);
                if (m != null) {
                    messages.add(m);
                }
            }
            Runnable sends = null;
            while (running && !messages.isEmpty()) {
                try {
                    sends = hub.commit(messages);
                    break;
                } catch (java.sql.SQLException e) {
                    // the store is down: keep the messages (not acknowledged) and try again
                    LOG.warn("exchange hub store error, retrying: {}", e.toString());
                    sleep();
                }
            }
            if (!running) {
                return; // not acknowledged: the broker delivers them again to the next session
            }
            for (Inbound in : taken) {
                try {
                    receiver.messageArrivedComplete(in.message().getId(), in.message().getQos());
                } catch (MqttException | RuntimeException e) {
                    LOG.debug("ack not sent (redelivery is de-duplicated): {}", e.toString());
                }
            }
            if (sends != null) {
                try {
                    this.sends.put(sends); // bounded: when the sender falls behind, the writer waits
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Runs the sends of committed batches in order, while the writer commits the next ones. */
    private void send() {
        while (running || !sends.isEmpty()) {
            Runnable r;
            try {
                r = sends.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r != null) {
                r.run(); // never throws: a failed send is counted and repeated later by the hub
            }
        }
    }

    /** The message as the hub takes it, or null (counted) when its topic or payload is not an exchange message. */
    private ExchangeHub.BoxMessage decode(Inbound in) {
        var topic = KuraTopic.parse(in.topic());
        if (topic.isEmpty() || topic.get().control() || !UnitCode.isValid(topic.get().clientId())) {
            malformed.increment();
            return null;
        }
        try {
            return new ExchangeHub.BoxMessage(topic.get().clientId(), topic.get().resource(), KuraPayloadCodec.decode(in.message().getPayload()));
        } catch (cn.egov.api.payload.PayloadFormatException | RuntimeException e) {
            malformed.increment();
            LOG.warn("exchange message on {} is not a KuraPayload: {}", LogSafe.of(in.topic()), LogSafe.of(e.getMessage()));
            return null;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One batch at a time: a batch stays within the connection's in-flight window. */
    @Override
    public synchronized boolean[] publishAll(List<Outgoing> messages) {
        boolean[] ok = new boolean[messages.size()];
        List<IMqttDeliveryToken> tokens = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Outgoing m = messages.get(i);
            try {
                tokens.add(publisher.publish(KuraTopic.control(account, m.box(), ExchangeWire.APP_ID, m.resource()).toString(),
                        KuraPayloadCodec.encode(m.payload()), 1, false));
            } catch (MqttException | RuntimeException e) {
                tokens.add(null);
                LOG.debug("publish to {} failed: {}", m.box(), e.toString());
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            IMqttDeliveryToken t = tokens.get(i);
            if (t == null) {
                continue;
            }
            try {
                t.waitForCompletion(PUBLISH_TIMEOUT_MS);
                ok[i] = t.getException() == null;
            } catch (MqttException e) {
                LOG.debug("publish not acknowledged: {}", e.toString());
            }
        }
        return ok;
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
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (receiver.isConnected()) {
                receiver.disconnect();
            }
            receiver.close();
        } catch (MqttException e) {
            LOG.debug("closing {}: {}", receiver.getClientId(), e.toString());
        }
        try {
            if (publisher.isConnected()) {
                publisher.disconnect().waitForCompletion(CONNECT_TIMEOUT_MS);
            }
            publisher.close();
        } catch (MqttException e) {
            LOG.debug("closing {}: {}", publisher.getClientId(), e.toString());
        }
    }
}
