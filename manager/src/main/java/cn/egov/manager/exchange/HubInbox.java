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
import cn.egov.api.payload.KuraPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's writer and its side of the manager's one MQTT session. Ingest hands it every message on
 * {@code <account>/+/EXCHANGE/#} ({@link AppReceiver}); it acknowledges a message only after the hub
 * committed it (a crash before means a redelivery, which the message id de-duplicates). Messages
 * wait for one writer thread in a bounded queue (when it is full the session's receive thread waits:
 * back-pressure, nothing is dropped); documents uploaded over HTTPS ({@link #upload}) wait in the same
 * queue and are answered after their commit. The writer takes what waits, up to {@link HubSettings#batch()}
 * messages, commits them in one transaction (group commit), acknowledges them, and leaves what they
 * produced (documents for recipient boxes, notices for senders) to the sender thread, so the next
 * batch is committed while those are on the wire.
 *
 * <p>The sender publishes through the same session ({@link BoxMessenger#publishAll}), whose
 * completions need the receive thread: so the writer never waits for the sender. The sends of the
 * batches committed while the sender is busy merge into its next round (one publish round, one
 * transaction), so it never falls behind by rounds. Beyond {@code sendsWaiting} messages they are
 * not kept in memory: the records they concern are due in the store already, and the sender reads
 * them back from there for the boxes concerned at once ({@link ExchangeHub#sendDueTo}), counted
 * ({@code exchange.sends-deferred}). Waiting for the resend timer instead paced the receipts' way back
 * at the timer's period.
 */
public final class HubInbox implements AppReceiver, BoxSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubInbox.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    /** A message for the writer: from the MQTT session (acknowledged after the commit), or an upload (completed after it). */
    private record Inbound(InboundMessage message, Acknowledger acks, ExchangeHub.BoxMessage upload, CompletableFuture<Void> done) {
    }

    private final String account;
    private final BoxMessenger messenger;
    private final int batch;
    private final BlockingQueue<Inbound> queue;
    private final ExchangeHub hub;
    private final Thread writer;
    /** Guards {@link #waiting} and {@link #catchUp}; the sender waits on it. */
    private final Object sendLock = new Object();
    /** Messages of committed batches that may wait in memory for the sender; more are read back from the store. */
    private final int sendsWaiting;
    /** Sends of committed batches, merged, waiting for the sender thread (null: none); at most {@link #sendsWaiting} messages. */
    private ExchangeHub.Pushes waiting;
    /** Boxes whose sends did not fit in {@link #waiting}: the sender sends what is due for them from the store. */
    private final java.util.Set<String> catchUp = new java.util.LinkedHashSet<>();
    private final Thread sender;
    private final LongAdder malformed = new LongAdder();
    private final LongAdder sendsDeferred = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param capacity     messages from boxes waiting for the writer (the receiver waits when full)
     * @param batch        most messages committed in one transaction
     * @param sendsWaiting messages of committed batches kept in memory for the sender
     */
    public HubInbox(BoxMessenger messenger, String account, int capacity, int batch, int sendsWaiting, HubFactory hubFactory) {
        this.account = account;
        this.sendsWaiting = sendsWaiting;
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
        Inbound in = new Inbound(message, acks, null, null);
        while (!queue.offer(in, 200, TimeUnit.MILLISECONDS)) {
            if (!running) {
                return; // stopping: not acknowledged, the broker delivers it again
            }
        }
    }

    /**
     * A document a box uploaded over HTTPS: committed by the writer with whatever else waits (group
     * commit), then answered. Waits for room in the queue like the MQTT session does.
     *
     * @return the hub's answer, once committed
     * @throws TimeoutException when no commit came within {@code wait} (the box uploads it again: the id de-duplicates)
     */
    public ExchangeHub.Upload upload(String box, KuraPayload document, Duration wait)
            throws InterruptedException, TimeoutException, ExecutionException {
        ExchangeHub.Upload answer = new ExchangeHub.Upload();
        Inbound in = new Inbound(null, null, new ExchangeHub.BoxMessage(box, ExchangeWire.DOC, document, answer), new CompletableFuture<>());
        long deadline = System.nanoTime() + wait.toNanos();
        while (!queue.offer(in, 200, TimeUnit.MILLISECONDS)) {
            if (!running || System.nanoTime() > deadline) {
                throw new TimeoutException("the hub's writer is " + (running ? "busy" : "stopping"));
            }
        }
        in.done().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return answer;
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
                ExchangeHub.BoxMessage m = in.upload() != null ? in.upload() : decode(in.message());
                if (m != null) {
                    messages.add(m);
                }
            }
            ExchangeHub.Pushes sends = null;
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
                // not acknowledged: the broker delivers them again to the next session; an upload is repeated by its box
                taken.stream().filter(in -> in.done() != null).forEach(in -> in.done().completeExceptionally(
                        new IllegalStateException("the hub stopped")));
                return;
            }
            for (Inbound in : taken) {
                if (in.done() != null) {
                    in.done().complete(null);
                } else {
                    in.acks().ack(in.message());
                }
            }
            if (sends != null && sends.size() > 0) {
                handOver(sends);
            }
        }
    }

    /** Gives the sender a committed batch's sends; never waits. */
    private void handOver(ExchangeHub.Pushes sends) {
        synchronized (sendLock) {
            if (waiting == null) {
                waiting = sends;
            } else if (waiting.size() + sends.size() <= sendsWaiting) {
                waiting.merge(sends);
            } else {
                // due in the store already: the sender reads them back for these boxes
                sendsDeferred.increment();
                catchUp.addAll(sends.boxes());
                waiting.directory |= sends.directory; // these two are not in the store as due records
                waiting.everythingFor.addAll(sends.everythingFor);
            }
            sendLock.notifyAll();
        }
    }

    /**
     * Sends what committed batches produced, all that waits in one round, while the writer commits
     * the next ones; then what is due for boxes whose sends did not fit in memory.
     */
    private void send() {
        while (true) {
            ExchangeHub.Pushes round;
            List<String> boxes;
            synchronized (sendLock) {
                while (waiting == null && catchUp.isEmpty()) {
                    if (!running) {
                        return;
                    }
                    try {
                        sendLock.wait(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                round = waiting;
                waiting = null;
                boxes = List.copyOf(catchUp);
                catchUp.clear();
            }
            if (round != null) {
                hub.push(round); // never throws: a failed send is counted and repeated later by the hub
            }
            for (String box : boxes) {
                if (hub.sendDueTo(box)) {
                    synchronized (sendLock) {
                        catchUp.add(box); // a full page: more is due
                    }
                }
            }
        }
    }

    /** Messages of committed batches waiting for the sender thread (bounded by {@link #sendsWaitingBound()}). */
    public int sendsWaiting() {
        synchronized (sendLock) {
            return waiting == null ? 0 : waiting.size();
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

    public int sendsWaitingBound() {
        return sendsWaiting;
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

    /** Batches whose sends did not fit in memory and were read back from the store for their boxes. */
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
        for (Inbound in; (in = queue.poll()) != null; ) {
            if (in.done() != null) {
                in.done().completeExceptionally(new IllegalStateException("the hub stopped"));
            }
        }
    }
}
