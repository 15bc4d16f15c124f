package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.text.LogSafe;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.Acknowledger;
import cn.egov.manager.ingest.AppReceiver;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.rules.unit.UnitCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of the manager's one MQTT session. Ingest hands it every message on
 * {@code <account>/+/EXCHANGE/#} ({@link AppReceiver}); it acknowledges a message only after the hub
 * committed it (a crash before means a redelivery, which the message id de-duplicates). Messages
 * wait for one writer thread in a bounded queue (when it is full the session's receive thread waits:
 * back-pressure, nothing is dropped). The writer takes what waits, up to {@link HubSettings#batch()}
 * messages, commits them in one transaction (group commit), acknowledges them, and leaves what they
 * produced (documents for recipient boxes, notices for senders) to the sender thread, so the next
 * batch is committed while those are on the wire.
 *
 * <p>The sender publishes through the same session ({@link BoxMessenger#publishAll}), whose
 * completions need the receive thread: so the writer never waits for the sender. When the sender is
 * behind, the sends of a batch are left out; the records they concern are due already, and
 * {@link ExchangeHub#tick} (or the box's BIRTH) sends them.
 */
public final class HubInbox implements AppReceiver, BoxSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubInbox.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    /** Committed batches whose sends may wait: enough to keep committing while a large document is on the wire. */
    private static final int SENDS_WAITING = 16;

    private record Inbound(InboundMessage message, Acknowledger acks) {
    }

    private final String account;
    private final BoxMessenger messenger;
    private final int batch;
    private final BlockingQueue<Inbound> queue;
    private final ExchangeHub hub;
    private final Thread writer;
    /** Sends of committed batches waiting for the sender thread; bounded, and the writer never waits for room. */
    private final BlockingQueue<Runnable> sends = new ArrayBlockingQueue<>(SENDS_WAITING);
    private final Thread sender;
    private final LongAdder malformed = new LongAdder();
    private final LongAdder sendsDeferred = new LongAdder();
    private volatile boolean running = true;

    public HubInbox(BoxMessenger messenger, String account, int capacity, int batch, HubFactory hubFactory) {
        this.account = account;
        this.messenger = messenger;
        this.batch = batch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.hub = hubFactory.create(this);
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

    public void start() {
        writer.start();
        sender.start();
    }

    @Override
    public void onArrived(InboundMessage message, Acknowledger acks) throws InterruptedException {
        Inbound in = new Inbound(message, acks);
        while (!queue.offer(in, 200, TimeUnit.MILLISECONDS)) {
            if (!running) {
                return; // stopping: not acknowledged, the broker delivers it again
            }
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
                ExchangeHub.BoxMessage m = decode(in.message());
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
            if (!running && sends == null && !messages.isEmpty()) {
                return; // not acknowledged: the broker delivers them again to the next session
            }
            for (Inbound in : taken) {
                in.acks().ack(in.message());
            }
            if (sends != null && !this.sends.offer(sends)) {
                sendsDeferred.increment(); // due in the store already: the next tick sends them
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
    private ExchangeHub.BoxMessage decode(InboundMessage in) {
        var topic = KuraTopic.parse(in.topic());
        if (topic.isEmpty() || topic.get().control() || !topic.get().account().equals(account)
                || !UnitCode.isValid(topic.get().clientId())) {
            malformed.increment();
            LOG.warn("exchange message on {} ignored: not {}/<unit>/{}/...", LogSafe.of(in.topic()), account, ExchangeWire.APP_ID);
            return null;
        }
        try {
            return new ExchangeHub.BoxMessage(topic.get().clientId(), topic.get().resource(), KuraPayloadCodec.decode(in.payload()));
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

    /** One batch at a time: a batch stays within the session's in-flight window. */
    @Override
    public synchronized boolean[] publishAll(List<Outgoing> messages) {
        List<BoxMessenger.Outgoing> out = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            out.add(new BoxMessenger.Outgoing(KuraTopic.control(account, m.box(), ExchangeWire.APP_ID, m.resource()), m.payload()));
        }
        return messenger.publishAll(out, PUBLISH_TIMEOUT);
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

    /** Batches whose sends were left to the timer because the sender was behind. */
    public long sendsDeferred() {
        return sendsDeferred.sum();
    }

    /** Stops the threads; what waits in the queue is not acknowledged, so the broker delivers it again. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
