package cn.egov.exchange.service;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.exchange.ExchangeWire.NoticeKind;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.text.LogSafe;
import cn.egov.exchange.cms.CmsVerifier;
import cn.egov.exchange.cms.DocumentOpener;
import cn.egov.exchange.cms.DocumentSealer;
import cn.egov.exchange.cms.PartDigest;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.cms.UnitCertificates;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.store.IncomingRecord;
import cn.egov.exchange.store.InboxState;
import cn.egov.exchange.store.OutgoingRecord;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange on one box: a clerk's document is checked, sealed (signed by its unit, encrypted for
 * every recipient), stored, delivered at once to recipients this box serves, and uploaded to the
 * hub over HTTPS ({@link HubTransfer}, {@link #uploadDue}: never while an emergency report waits in
 * the outbox); documents the hub tells about are fetched over HTTPS, stored, opened and receipted;
 * answers and receipts go through the durable outbox ({@link HubLink}); the hub's notices move each
 * sent document along {@link DeliveryState}.
 *
 * <p>Every change is committed to the {@link ExchangeStore} before anything is sent or answered.
 * Messages from the hub wait in a bounded queue for one worker thread (what does not fit is
 * dropped, counted and alarmed; the hub sends it again, it repeats everything unacknowledged). The
 * worker takes them in batches: one store transaction and one outbox transaction per batch, so
 * a backlog of a thousand documents costs a few dozen disk syncs, not several per document. The
 * same thread runs the periodic {@link #tick}.
 */
public final class ExchangeService implements AutoCloseable {

    /** Outbox priority of every exchange message: 1 is never evicted (a document must not be lost). */
    public static final int PRIORITY = cn.egov.api.telemetry.Priority.ALARM;
    public static final String INBOUND_FULL_ALARM = "exchange.inbound.full";
    public static final String RECEIPT_REFUSED_ALARM = "exchange.receipt.refused";
    /** Most messages from the hub handled in one transaction: bounds the time a clerk's request waits for the store. */
    static final int MAX_BATCH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** While an emergency report waits in the outbox, how often the uploader looks again. */
    private static final long URGENT_POLL_MS = 200;
    /** Waits between uploads after the hub was not reached: from the first to the longest, doubling. */
    private static final long MIN_UPLOAD_BACKOFF_MS = 1000;
    private static final long MAX_UPLOAD_BACKOFF_MS = 30_000;

    /**
     * A message from the hub waiting to be handled: a document's envelope fetched already, and opened
     * for the recipients here ({@code opened}, by recipient) outside the store's lock.
     */
    private record Inbound(String resource, KuraPayload payload, Map<String, Preopened> opened) {
        Inbound(String resource, KuraPayload payload) {
            this(resource, payload, Map.of());
        }
    }

    /**
     * A document decrypted, verified and receipted by a fetch thread, before the worker stores it: the
     * costly part of receiving, done side by side and without the store's lock. Either the document
     * with its signed receipt, or why it is refused.
     */
    private record Preopened(DocumentOpener.Opened opened, byte[] receipt, DocumentRefused refused) {
    }

    private final String box;
    private final ExchangeSettings settings;
    private final ExchangeStore store;
    private final Map<UnitCode, LocalUnit> units;
    private final TrustAnchors trust;
    private final CmsVerifier verifier;
    private final DocumentOpener opener;
    private final HubLink link;
    private final HubTransfer transfer;
    private final Clock clock;
    private final ExchangeMetrics metrics = new ExchangeMetrics();
    private final BlockingQueue<Inbound> inbound;
    private final Thread worker;
    private volatile boolean running;
    /** Uploads side by side ({@link ExchangeSettings#uploadParallel()}), and the thread that starts each round. */
    private final ExecutorService uploaders;
    private final Thread uploader;
    private final Object uploadSignal = new Object();
    private volatile boolean uploadWake;
    /** Fetches of envelopes the hub told about, side by side, behind a bounded queue. */
    private final ThreadPoolExecutor fetchers;
    private final Set<String> fetching = ConcurrentHashMap.newKeySet();

    /**
     * @param link     the outbox to the hub (answers, receipts, registrations; whether more urgent messages wait)
     * @param transfer the documents' way to and from the hub (HTTPS)
     */
    public ExchangeService(String box, ExchangeSettings settings, ExchangeStore store, List<LocalUnit> units, TrustAnchors trust,
                           HubLink link, HubTransfer transfer, Clock clock) {
        this.box = box;
        this.settings = settings;
        this.store = store;
        Map<UnitCode, LocalUnit> m = new LinkedHashMap<>();
        units.forEach(u -> m.put(u.unit(), u));
        this.units = Map.copyOf(m);
        this.trust = trust;
        this.verifier = new CmsVerifier(trust);
        this.opener = new DocumentOpener(verifier, settings.maxDocumentBytes());
        this.link = link;
        this.transfer = transfer;
        this.clock = clock;
        this.inbound = new ArrayBlockingQueue<>(settings.inboundCapacity());
        this.worker = new Thread(this::work, "exchange-" + box);
        this.worker.setDaemon(true);
        // bounded by its one submitter: uploadDue (run by the uploader thread) hands it uploadParallel tasks and waits for them
        this.uploaders = Executors.newFixedThreadPool(settings.uploadParallel(), daemon("exchange-upload-" + box));
        this.uploader = new Thread(this::uploadLoop, "exchange-uploads-" + box);
        this.uploader.setDaemon(true);
        this.fetchers = new ThreadPoolExecutor(settings.fetchParallel(), settings.fetchParallel(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.inboundCapacity()), daemon("exchange-fetch-" + box));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts the worker: messages from the hub, and every {@link ExchangeSettings#tick()} the
     * periodic work (first at once: what a stop left half done is finished now).
     */
    public ExchangeService start() {
        running = true;
        worker.start();
        uploader.start();
        return this;
    }

    public ExchangeMetrics metrics() {
        return metrics;
    }

    public ExchangeStore store() {
        return store;
    }

    public List<UnitCode> units() {
        return List.copyOf(units.keySet());
    }

    public int inboundDepth() {
        return inbound.size();
    }

    // ---- sending --------------------------------------------------------------------------

    /**
     * Accepts a clerk's document: stored on this box before this returns. A document whose message
     * id was already sent with the same content is an application resend: nothing new happens and
     * its current record is returned.
     *
     * @throws DocumentRefused one line naming the field; nothing was stored
     */
    public OutgoingRecord send(Document doc) throws SQLException {
        try {
            return sendChecked(doc);
        } catch (DocumentRefused e) {
            metrics.refusedUploads.increment();
            throw e;
        }
    }

    private OutgoingRecord sendChecked(Document doc) throws SQLException {
        if (doc.size() > settings.maxDocumentBytes()) {
            throw new DocumentRefused("files", doc.size() + " bytes exceed the limit of " + settings.maxDocumentBytes() + " bytes");
        }
        LocalUnit issuer = units.get(doc.meta().issuer());
        if (issuer == null) {
            throw new DocumentRefused("issuer", "unit " + doc.meta().issuer() + " is not served by this box (" + units.keySet() + ")");
        }
        String fingerprint = fingerprint(doc);
        Optional<String> earlier = store.fingerprint(doc.meta().messageId());
        if (earlier.isPresent()) {
            if (!earlier.get().equals(fingerprint)) {
                throw new DocumentRefused("message id", doc.meta().messageId() + " was already used for a different document");
            }
            metrics.resends.increment();
            return store.outgoing(doc.meta().messageId()).orElseThrow();
        }
        Map<UnitCode, X509Certificate> certs = new LinkedHashMap<>();
        List<String> remote = new ArrayList<>();
        List<UnitCode> recipients = doc.meta().recipients();
        for (int i = 0; i < recipients.size(); i++) {
            UnitCode r = recipients.get(i);
            LocalUnit local = units.get(r);
            if (local != null) {
                certs.put(r, local.decryption().certificate());
            } else {
                certs.put(r, remoteCertificate(r, "recipients[" + i + "]"));
                remote.add(r.toString());
            }
        }
        DocumentSealer.Sealed sealed = DocumentSealer.seal(doc, issuer.signing(), certs);
        return storeAndHandOff(doc, sealed, fingerprint, remote);
    }

    private OutgoingRecord storeAndHandOff(Document doc, DocumentSealer.Sealed sealed, String fingerprint, List<String> remote)
            throws SQLException {
        List<UnitCode> recipients = doc.meta().recipients();
        // stored with its same-box deliveries and their receipts in one transaction: one disk sync
        After after = new After();
        store.transaction(() -> {
            store.insertOutgoing(doc.meta(), doc.size(), sealed.digests(), fingerprint, remote, sealed.envelope());
            for (UnitCode r : recipients) {
                if (units.containsKey(r)) {
                    deliverLocally(doc.meta().messageId(), r, doc.meta().issuer(), sealed.envelope(), after);
                }
            }
            return null;
        });
        after.run();
        metrics.sent.increment();
        LOG.info("document {} ({}) from {} stored for {}", doc.meta().messageId(), LogSafe.of(doc.meta().docNumber()),
                doc.meta().issuer(), recipients);
        if (!remote.isEmpty()) {
            wakeUploader();
        }
        return store.outgoing(doc.meta().messageId()).orElseThrow();
    }

    private X509Certificate remoteCertificate(UnitCode unit, String field) throws SQLException {
        ExchangeStore.DirectoryEntry e = store.directory(unit.toString()).orElseThrow(() ->
                new DocumentRefused(field, "unit " + unit + " is unknown to the exchange (not in the directory the hub sent)"));
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(e.certificate()));
        } catch (Exception ex) {
            throw new DocumentRefused(field, "the cached certificate of unit " + unit + " cannot be read: " + ex.getMessage());
        }
    }

    // ---- uploading ------------------------------------------------------------------------

    /** What {@link #uploadDue} found. */
    public enum Uploads {
        /** Nothing waits for the hub. */
        NONE,
        /** Uploaded (and answered) what waited in this round; there may be more. */
        SOME,
        /** Held back: a message more urgent than documents (an emergency report) waits in the outbox. */
        HELD
    }

    /**
     * One round of uploads: up to {@link #MAX_BATCH} documents waiting for the hub (特急 before 加急 before
     * 平件, oldest first), {@link ExchangeSettings#uploadParallel()} at a time, each only while no message
     * more urgent than documents waits in the outbox (an emergency report filed during an outage
     * still reaches the province first). The hub's answers are stored in one transaction at the end
     * of the round: the recipients become AT_HUB, or UNDELIVERABLE with the hub's reason. A box that
     * stops before that uploads them again, and the hub answers the same (message id).
     *
     * @throws IOException the hub was not reached (what was answered before is stored)
     */
    public Uploads uploadDue() throws IOException, SQLException, InterruptedException {
        List<ExchangeStore.Unsent> due = store.pendingUploads(MAX_BATCH);
        if (due.isEmpty()) {
            return Uploads.NONE;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IOException> failure = new AtomicReference<>();
        AtomicBoolean held = new AtomicBoolean();
        List<Answered> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Callable<Void> worker = () -> {
            for (int i; failure.get() == null && !held.get() && (i = next.getAndIncrement()) < due.size(); ) {
                if (link.urgentWaiting()) {
                    held.set(true);
                    break;
                }
                ExchangeStore.Unsent u = due.get(i);
                try {
                    answers.add(new Answered(u, transfer.upload(u.messageId(), documentPayload(u))));
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }
            return null;
        };
        for (var f : uploaders.invokeAll(java.util.Collections.nCopies(settings.uploadParallel(), worker))) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, new IOException(e.getCause()));
            }
        }
        recordAnswers(answers);
        if (failure.get() != null) {
            throw failure.get();
        }
        return held.get() ? Uploads.HELD : Uploads.SOME;
    }

    private KuraPayload documentPayload(ExchangeStore.Unsent u) throws SQLException {
        return KuraPayload.builder().timestamp(clock.millis())
                .metric(ExchangeWire.MESSAGE_ID, u.messageId()).metric(ExchangeWire.ISSUER, u.issuer())
                .metric(ExchangeWire.RECIPIENTS, String.join(",", u.remoteRecipients())).metric(ExchangeWire.URGENCY, u.urgency())
                .metric(ExchangeWire.DEADLINE, u.deadline().toEpochMilli()).body(store.outgoingEnvelope(u.messageId())).build();
    }

    /** A document the hub answered in this round. */
    private record Answered(ExchangeStore.Unsent doc, HubTransfer.Answer answer) {
    }

    private void recordAnswers(List<Answered> answers) throws SQLException {
        if (answers.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<Runnable> after = new ArrayList<>();
        store.transaction(() -> {
            for (Answered a : answers) {
                ExchangeStore.Unsent u = a.doc();
                HubTransfer.Answer answer = a.answer();
                store.markHandedOff(u.messageId());
                for (String r : u.remoteRecipients()) {
                    if (answer.taken()) {
                        store.advance(u.messageId(), r, DeliveryState.AT_HUB, null, null, now);
                    } else if (store.advance(u.messageId(), r, DeliveryState.UNDELIVERABLE, answer.refusal(), null, now)) {
                        after.add(metrics.undeliverable::increment);
                    }
                }
                after.add(metrics.uploaded::increment);
                if (!answer.taken()) {
                    after.add(() -> LOG.warn("document {} refused by the hub: {}", u.messageId(), LogSafe.of(answer.refusal())));
                }
            }
            return null;
        });
        after.forEach(Runnable::run);
    }

    private void wakeUploader() {
        synchronized (uploadSignal) {
            uploadWake = true;
            uploadSignal.notifyAll();
        }
    }

    /** Rounds of {@link #uploadDue} while there is work; after a failure it waits longer each time, until woken. */
    private void uploadLoop() {
        long backoff = 0;
        while (running) {
            long wait;
            try {
                Uploads u = uploadDue();
                if (backoff > 0) {
                    LOG.info("exchange: the hub's document server is reachable again");
                }
                backoff = 0;
                wait = switch (u) {
                    case SOME -> 0;
                    case HELD -> URGENT_POLL_MS;
                    case NONE -> settings.tick().toMillis();
                };
            } catch (IOException e) {
                if (backoff == 0) {
                    LOG.warn("exchange: documents wait, the hub's document server is not reached: {}", LogSafe.of(e.getMessage()));
                }
                backoff = Math.min(MAX_UPLOAD_BACKOFF_MS, Math.max(MIN_UPLOAD_BACKOFF_MS, backoff * 2));
                wait = backoff;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("exchange: uploading failed (tried again): {}", LogSafe.of(e.toString()));
                wait = MAX_UPLOAD_BACKOFF_MS;
            }
            if (wait > 0) {
                synchronized (uploadSignal) {
                    try {
                        if (!uploadWake) {
                            uploadSignal.wait(wait);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (uploadWake) {
                        backoff = Math.min(backoff, MIN_UPLOAD_BACKOFF_MS);
                    }
                    uploadWake = false;
                }
            }
        }
    }

    /** What makes an application resend the same document: everything but the time it was sent. */
    static String fingerprint(Document doc) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            var m = doc.meta();
            for (String s : List.of(m.issuer().toString(), m.docNumber(), m.title(), m.recipients().toString(), m.urgency().name(),
                    m.classification().name(), m.deadline().toString())) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            for (Part p : doc.parts()) {
                md.update(p.name().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(MessageDigest.getInstance("SHA-256").digest(p.content()));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- receiving ------------------------------------------------------------------------

    /**
     * What a batch does once its transaction committed: messages to the hub (one outbox
     * transaction), the acknowledgement of the hub's notices (one message for all), counters, log
     * lines and alarms. Nothing of it happens for a batch that rolled back.
     */
    private final class After {
        final List<HubLink.Message> messages = new ArrayList<>();
        final List<String> noticeIds = new ArrayList<>();
        final List<Runnable> actions = new ArrayList<>();

        void reply(String resource, String messageId, String recipient, String reason, byte[] body, String issuer) {
            KuraPayload.Builder b = KuraPayload.builder().timestamp(clock.millis()).metric(ExchangeWire.MESSAGE_ID, messageId)
                    .metric(ExchangeWire.RECIPIENT, recipient).metric(ExchangeWire.ISSUER, issuer);
            if (reason != null) {
                b.metric(ExchangeWire.REASON, reason);
            }
            if (body != null) {
                b.body(body);
            }
            messages.add(new HubLink.Message(resource, b.build()));
        }

        void then(Runnable r) {
            actions.add(r);
        }

        void run() {
            if (!noticeIds.isEmpty()) {
                messages.add(new HubLink.Message(ExchangeWire.NOTICE_ACK, KuraPayload.builder().timestamp(clock.millis())
                        .metric(ExchangeWire.NOTICE_IDS, String.join(",", noticeIds)).build()));
            }
            if (!messages.isEmpty()) {
                link.sendAll(messages);
            }
            actions.forEach(Runnable::run);
        }
    }

    /** Same-box delivery: no network, also while the backbone is down. */
    private void deliverLocally(String messageId, UnitCode recipient, UnitCode issuer, byte[] envelope, After after) throws SQLException {
        if (store.insertIncoming(messageId, recipient.toString(), issuer.toString(), envelope, clock.instant())) {
            store.advance(messageId, recipient.toString(), DeliveryState.DELIVERED, null, null, clock.instant());
        }
        completeLocally(messageId, recipient, open(messageId, recipient, after), after);
    }

    private void completeLocally(String messageId, UnitCode recipient, Opened o, After after) throws SQLException {
        if (o.receipt != null) {
            try {
                applyReceipt(messageId, recipient.toString(), o.receipt, after);
            } catch (DocumentRefused e) {
                LOG.debug("local receipt for {}: {}", messageId, e.getMessage());
            }
        } else if (o.failure != null) {
            store.advance(messageId, recipient.toString(), DeliveryState.FAILED, o.failure, null, clock.instant());
        }
    }

    private record Opened(byte[] receipt, String failure) {
    }

    /** Opens a stored document for a recipient (the worker, decrypting it here). */
    private Opened open(String messageId, UnitCode recipient, After after) throws SQLException {
        return open(messageId, recipient, after, null);
    }

    /**
     * Opens a stored document for a recipient, stores it with its receipt or its refusal.
     *
     * @param pre the stored envelope opened already by a fetch thread (it is the one just stored), or null
     */
    private Opened open(String messageId, UnitCode recipient, After after, Preopened pre) throws SQLException {
        IncomingRecord rec = store.incoming(messageId, recipient.toString()).orElseThrow();
        if (rec.state() == InboxState.RECEIVED) {
            return new Opened(store.incomingReceipt(messageId, recipient.toString()).orElse(null), null);
        }
        if (rec.state() == InboxState.FAILED) {
            return new Opened(null, rec.reason());
        }
        LocalUnit unit = units.get(recipient);
        try {
            if (unit == null) {
                throw new DocumentRefused("recipient", "unit " + recipient + " is not served by box " + box);
            }
            if (pre != null && pre.refused() != null) {
                throw pre.refused();
            }
            DocumentOpener.Opened o = pre != null ? pre.opened() : opener.open(store.envelope(messageId, recipient.toString()), unit.decryption());
            Document d = o.document();
            if (!d.meta().messageId().equals(messageId)) {
                throw new DocumentRefused("document", "carries message id " + d.meta().messageId() + " but was delivered as " + messageId);
            }
            if (!d.meta().recipients().contains(recipient)) {
                throw new DocumentRefused("document", "is not addressed to unit " + recipient);
            }
            if (d.meta().created().isBefore(clock.instant().minus(settings.dedupeWindow()))) {
                throw new DocumentRefused("document", "was sent at " + d.meta().created() + ", before the duplicate window of "
                        + settings.dedupeWindow().toDays() + " days");
            }
            byte[] receipt = pre != null ? pre.receipt()
                    : new Receipt(messageId, d.meta().issuer(), recipient, clock.instant(), o.digests()).sign(unit.signing());
            store.markReceived(recipient.toString(), d, receipt);
            after.then(() -> {
                metrics.received.increment();
                LOG.info("document {} ({}) from {} received for {}", messageId, LogSafe.of(d.meta().docNumber()), d.meta().issuer(), recipient);
            });
            return new Opened(receipt, null);
        } catch (DocumentRefused e) {
            store.markFailed(messageId, recipient.toString(), e.getMessage());
            after.then(() -> {
                metrics.failedIncoming.increment();
                LOG.warn("document {} for {} refused: {}", messageId, recipient, LogSafe.of(e.getMessage()));
            });
            return new Opened(null, e.getMessage());
        }
    }

    /**
     * A control message from the hub ({@code PUT/doc}, {@code PUT/notice}, {@code PUT/directory}); never
     * blocks. A document's envelope is fetched over HTTPS first ({@link ExchangeSettings#fetchParallel()}
     * at a time, behind a bounded queue). Any message from the hub also tells the uploader the way is open.
     */
    public void onHubMessage(String resource, byte[] payload) {
        KuraPayload p;
        try {
            p = KuraPayloadCodec.decode(payload);
        } catch (cn.egov.api.payload.PayloadFormatException | RuntimeException e) {
            LOG.warn("exchange message {} from the hub is not a KuraPayload: {}", LogSafe.of(resource), LogSafe.of(e.getMessage()));
            return;
        }
        wakeUploader();
        if (resource.equals(ExchangeWire.PUT_DOC) && empty(p.body())) {
            String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
            if (id == null || !fetching.add(id)) {
                return; // fetched already by another thread: the hub tells again if that fails
            }
            try {
                fetchers.execute(() -> {
                    try {
                        KuraPayload full = withEnvelope(p);
                        if (full != null) {
                            offer(new Inbound(resource, full, preopen(full)));
                        }
                    } finally {
                        fetching.remove(id);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fetching.remove(id);
                dropped();
            }
            return;
        }
        offer(new Inbound(resource, p));
    }

    private void offer(Inbound in) {
        if (!inbound.offer(in)) {
            dropped();
        }
    }

    private void dropped() {
        metrics.inboundDropped.increment();
        if (metrics.inboundDropped.sum() % 100 == 1) {
            link.alarm(new Alarm(INBOUND_FULL_ALARM, Alarm.Severity.WARNING, "exchange",
                    "exchange inbound queue full (" + settings.inboundCapacity() + "): the hub sends dropped messages again",
                    Map.of("dropped", Long.toString(metrics.inboundDropped.sum())), clock.millis()));
        }
    }

    /** Opens a fetched envelope for every recipient this box serves and does not hold yet (fetch threads). */
    private Map<String, Preopened> preopen(KuraPayload p) {
        if (empty(p.body())) {
            return Map.of();
        }
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        Map<String, Preopened> out = new LinkedHashMap<>();
        for (String r : p.stringMetric(ExchangeWire.RECIPIENTS).split(",")) {
            LocalUnit unit = UnitCode.isValid(r) ? units.get(UnitCode.parse(r)) : null;
            try {
                if (unit == null || store.holds(id, r)) {
                    continue;
                }
                try {
                    DocumentOpener.Opened o = opener.open(p.body(), unit.decryption());
                    Document d = o.document();
                    out.put(r, new Preopened(o, new Receipt(id, d.meta().issuer(), unit.unit(), clock.instant(), o.digests())
                            .sign(unit.signing()), null));
                } catch (DocumentRefused e) {
                    out.put(r, new Preopened(null, null, e));
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("document {} for {} not opened ahead (opened when stored): {}", id, r, e.toString());
            }
        }
        return out;
    }

    private static boolean empty(byte[] b) {
        return b == null || b.length == 0;
    }

    /**
     * The hub's document notice with its envelope, fetched over HTTPS, unless every recipient this box
     * serves has it already (a repeated notice: answered from the store). Null when the fetch failed
     * (counted; the hub tells again).
     */
    private KuraPayload withEnvelope(KuraPayload p) {
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String recipients = p.stringMetric(ExchangeWire.RECIPIENTS);
        try {
            boolean all = recipients != null;
            for (String r : recipients == null ? new String[0] : recipients.split(",")) {
                all &= store.holds(id, r);
            }
            if (all) {
                return p;
            }
            byte[] envelope = transfer.fetch(id, settings.maxDocumentBytes() * 2);
            metrics.fetched.increment();
            return new KuraPayload(p.timestamp(), p.position(), p.metrics(), envelope);
        } catch (IOException | SQLException | RuntimeException e) {
            metrics.fetchFailures.increment();
            LOG.warn("exchange: document {} not fetched now (the hub tells again): {}", LogSafe.of(id), LogSafe.of(e.getMessage()));
            return null;
        }
    }

    private void work() {
        long nextTick = System.nanoTime();
        List<Inbound> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    tick();
                    nextTick = System.nanoTime() + settings.tick().toNanos();
                }
                // at most a second between looks at 'running': close() does not interrupt a batch half-way
                long wait = Math.min(1000, Math.max(1, (nextTick - System.nanoTime()) / 1_000_000));
                Inbound first = inbound.poll(wait, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbound.drainTo(batch, MAX_BATCH - 1);
                handleBatch(batch);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("exchange work failed (done again at the next tick; the hub repeats what is not acknowledged): {}",
                        LogSafe.of(e.toString()));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Handles messages from the hub in one store transaction, then answers in one outbox
     * transaction. When the transaction fails (the store, not the input: bad input is refused
     * inside), each message is tried again alone, so one cannot hold back the others.
     */
    private void handleBatch(List<Inbound> batch) {
        After after = new After();
        try {
            store.transaction(() -> {
                for (Inbound in : batch) {
                    handle(in, after);
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            if (batch.size() == 1) {
                LOG.warn("exchange message {} from the hub not handled (it comes again): {}", LogSafe.of(batch.get(0).resource()),
                        LogSafe.of(e.toString()));
                return;
            }
            for (Inbound in : batch) {
                handleBatch(List.of(in));
            }
            return;
        }
        after.run();
    }

    /** Handles one message from the hub now, on the caller's thread, fetching a document's envelope first (tests). */
    void handle(String resource, KuraPayload p) throws SQLException {
        if (resource.equals(ExchangeWire.PUT_DOC) && empty(p.body())) {
            p = withEnvelope(p);
            if (p == null) {
                return;
            }
        }
        KuraPayload message = p;
        After after = new After();
        store.transaction(() -> {
            handle(resource, message, after);
            return null;
        });
        after.run();
    }

    private void handle(Inbound in, After after) throws SQLException {
        if (in.resource().equals(ExchangeWire.PUT_DOC)) {
            onDocument(in.payload(), after, in.opened());
        } else {
            handle(in.resource(), in.payload(), after);
        }
    }

    private void handle(String resource, KuraPayload p, After after) throws SQLException {
        switch (resource) {
            case ExchangeWire.PUT_DOC -> onDocument(p, after, Map.of());
            case ExchangeWire.PUT_NOTICE -> onNotice(p, after);
            case ExchangeWire.PUT_DIRECTORY -> onDirectory(p);
            default -> LOG.warn("unknown exchange message {}", LogSafe.of(resource));
        }
    }

    private void onDocument(KuraPayload p, After after, Map<String, Preopened> opened) throws SQLException {
        String messageId = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String issuer = p.stringMetric(ExchangeWire.ISSUER);
        String recipients = p.stringMetric(ExchangeWire.RECIPIENTS);
        if (messageId == null || issuer == null || recipients == null) {
            LOG.warn("document from the hub without message id, issuer or recipients: ignored");
            return;
        }
        try {
            MessageIds.check(messageId);
        } catch (DocumentRefused e) {
            LOG.warn("document from the hub: {}", LogSafe.of(e.getMessage()));
            return;
        }
        for (String r : recipients.split(",")) {
            if (!UnitCode.isValid(r) || !units.containsKey(UnitCode.parse(r))) {
                after.reply(ExchangeWire.FAILED, messageId, r, "unit " + LogSafe.of(r) + " is not served by box " + box, null, issuer);
                continue;
            }
            UnitCode recipient = UnitCode.parse(r);
            // opened already by the fetch thread: stored opened in this same transaction, its envelope is not needed
            // (storing the megabyte to drop it again a statement later cost a copy through JDBC and the page cache)
            byte[] envelope = opened.get(r) != null ? null : p.body();
            boolean fresh = !empty(p.body()) && p.body().length <= settings.maxDocumentBytes() * 2
                    && store.insertIncoming(messageId, r, issuer, envelope, clock.instant());
            if (!fresh) {
                if (empty(p.body()) && store.incoming(messageId, r).isEmpty()) {
                    continue; // not fetched for this recipient: the hub tells again
                }
                if (store.incoming(messageId, r).isEmpty()) {
                    after.reply(ExchangeWire.FAILED, messageId, r, "document exceeds the limit of " + settings.maxDocumentBytes() + " bytes",
                            null, issuer);
                    continue;
                }
                after.then(metrics.duplicates::increment);
            }
            after.reply(ExchangeWire.DELIVERED, messageId, r, null, null, issuer);
            Opened o = open(messageId, recipient, after, fresh ? opened.get(r) : null);
            if (o.receipt != null) {
                after.reply(ExchangeWire.RECEIPT, messageId, r, null, o.receipt, issuer);
            } else {
                // a duplicate of a refused document gets the same error, never a receipt
                after.reply(ExchangeWire.FAILED, messageId, r, o.failure, null, issuer);
            }
        }
    }

    private void onNotice(KuraPayload p, After after) throws SQLException {
        String noticeId = p.stringMetric(ExchangeWire.NOTICE_ID);
        String messageId = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String kindText = p.stringMetric(ExchangeWire.KIND);
        String recipient = p.stringMetric(ExchangeWire.RECIPIENT);
        String reason = p.stringMetric(ExchangeWire.REASON);
        NoticeKind kind;
        try {
            kind = NoticeKind.valueOf(kindText);
        } catch (RuntimeException e) {
            LOG.warn("notice {} from the hub of unknown kind {}", LogSafe.of(noticeId), LogSafe.of(kindText));
            return;
        }
        Instant now = clock.instant();
        switch (kind) {
            case AT_HUB -> {
                for (String r : recipientsOf(messageId, recipient)) {
                    store.advance(messageId, r, DeliveryState.AT_HUB, null, null, now);
                }
            }
            case DELIVERED -> store.advance(messageId, recipient, DeliveryState.DELIVERED, null, null, now);
            case FAILED -> store.advance(messageId, recipient, DeliveryState.FAILED, reason, null, now);
            case UNDELIVERABLE -> {
                for (String r : recipientsOf(messageId, recipient)) {
                    if (store.advance(messageId, r, DeliveryState.UNDELIVERABLE, reason, null, now)) {
                        after.then(metrics.undeliverable::increment);
                    }
                }
            }
            case RECEIPT -> {
                try {
                    applyReceipt(messageId, recipient, p.body(), after);
                } catch (DocumentRefused e) {
                    after.then(() -> {
                        metrics.receiptsRefused.increment();
                        LOG.warn("receipt for {} from {} refused: {}", messageId, LogSafe.of(recipient), LogSafe.of(e.getMessage()));
                        link.alarm(new Alarm(RECEIPT_REFUSED_ALARM, Alarm.Severity.MAJOR, "exchange", "receipt refused: " + e.getMessage(),
                                Map.of("message_id", String.valueOf(messageId), "recipient", String.valueOf(recipient)), clock.millis()));
                    });
                }
            }
            default -> throw new IllegalStateException();
        }
        if (noticeId != null) {
            after.noticeIds.add(noticeId);
        }
    }

    private List<String> recipientsOf(String messageId, String recipient) throws SQLException {
        if (recipient != null && !recipient.isEmpty()) {
            return List.of(recipient.split(","));
        }
        return store.outgoing(messageId).map(o -> List.copyOf(o.recipients().keySet())).orElse(List.of());
    }

    /**
     * Checks a receipt against what was sent and records it: signed by the recipient it names, for a
     * document this box sent to it, repeating the digest of every part. Anything else is refused and
     * changes nothing. The very receipt already recorded, sent again (the hub repeats a notice whose
     * acknowledgement it has not seen yet), is a harmless duplicate: counted, nothing changes; any
     * other receipt for a document already receipted is a replay and refused.
     */
    void applyReceipt(String messageId, String recipient, byte[] signed, After after) throws SQLException {
        if (signed == null) {
            throw new DocumentRefused("receipt", "is empty");
        }
        if (store.state(messageId, recipient).orElse(null) == DeliveryState.RECEIVED
                && java.util.Arrays.equals(signed, store.receipt(messageId, recipient).orElse(null))) {
            after.then(metrics.duplicateNotices::increment);
            return;
        }
        Receipt r = Receipt.verify(signed, verifier);
        if (!r.messageId().equals(messageId) || !r.recipient().toString().equals(recipient)) {
            throw new DocumentRefused("receipt", "is for message " + r.messageId() + " and recipient " + r.recipient()
                    + ", not for " + messageId + " and " + LogSafe.of(recipient) + " (replayed?)");
        }
        OutgoingRecord sent = store.outgoing(messageId).orElseThrow(() ->
                new DocumentRefused("receipt", "is for message " + messageId + ", which this box did not send"));
        if (!sent.issuer().equals(r.sender().toString()) || !sent.recipients().containsKey(recipient)) {
            throw new DocumentRefused("receipt", "names sender " + r.sender() + " and recipient " + recipient
                    + ", but message " + messageId + " went from " + sent.issuer() + " to " + sent.recipients().keySet());
        }
        if (!sameDigests(sent.digests(), r.parts())) {
            throw new DocumentRefused("receipt", "digests of the parts differ from the document sent");
        }
        if (!store.advance(messageId, recipient, DeliveryState.RECEIVED, null, signed, clock.instant())) {
            if (store.state(messageId, recipient).orElse(null) == DeliveryState.RECEIVED) {
                throw new DocumentRefused("receipt", "for " + messageId + " from " + recipient + " is another than the one recorded (replay)");
            }
            throw new DocumentRefused("receipt", "for " + messageId + " from " + recipient + " arrived for a document in state "
                    + store.state(messageId, recipient).orElse(null));
        }
        after.then(metrics.receiptsAccepted::increment);
    }

    private static boolean sameDigests(List<PartDigest> a, List<PartDigest> b) {
        return a.equals(b);
    }

    private void onDirectory(KuraPayload p) throws SQLException {
        if (p.body() == null) {
            return;
        }
        List<ExchangeStore.DirectoryEntry> entries = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(p.body());
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode n : root.path("units")) {
                String unit = n.path("unit").asText();
                byte[] der = Base64.getDecoder().decode(n.path("certificate").asText());
                X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
                String problem = UnitCode.isValid(unit) ? UnitCertificates.encryptionProblem(cert, UnitCode.parse(unit)) : "bad unit code";
                if (problem == null) {
                    try {
                        trust.validate(cert, List.of());
                    } catch (java.security.GeneralSecurityException e) {
                        problem = "not certified by the provincial CA: " + e.getMessage();
                    }
                }
                if (problem != null) {
                    LOG.warn("directory entry for {} skipped: {}", LogSafe.of(unit), LogSafe.of(problem));
                    continue;
                }
                entries.add(new ExchangeStore.DirectoryEntry(unit, n.path("box").asText(), der));
            }
        } catch (Exception e) {
            LOG.warn("directory from the hub cannot be read, the cached one stays: {}", LogSafe.of(e.toString()));
            return;
        }
        store.replaceDirectory(entries, clock.instant());
        LOG.info("exchange directory: {} units", entries.size());
    }

    // ---- periodic work --------------------------------------------------------------------

    /** Sends this box's units' encryption certificates to the hub (at start). */
    public void register() {
        for (LocalUnit u : units.values()) {
            try {
                link.send(ExchangeWire.REGISTER, KuraPayload.builder().timestamp(clock.millis())
                        .metric(ExchangeWire.UNIT, u.unit().toString()).body(u.decryption().certificate().getEncoded()).build());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Deadlines (recipients still queued on this box become undeliverable), documents stored but not
     * handed over or not opened (the box stopped in between), refusals older than the duplicate window.
     * Runs on the worker thread once {@link #start}ed; tests call it directly.
     */
    public void tick() throws SQLException {
        Instant now = clock.instant();
        for (String[] q : store.queuedPastDeadline(now)) {
            if (store.advance(q[0], q[1], DeliveryState.UNDELIVERABLE,
                    "the exchange hub did not take the document before its deadline (backbone down?)", null, now)) {
                metrics.undeliverable.increment();
                LOG.warn("document {} for {} undeliverable: deadline passed on this box", q[0], q[1]);
            }
        }
        for (String[] s : store.unopened()) {
            After after = new After();
            store.transaction(() -> {
                UnitCode recipient = UnitCode.parse(s[1]);
                Opened o = open(s[0], recipient, after);
                String issuer = store.incoming(s[0], s[1]).map(IncomingRecord::issuer).orElse("");
                if (UnitCode.isValid(issuer) && units.containsKey(UnitCode.parse(issuer))) {
                    store.advance(s[0], s[1], DeliveryState.DELIVERED, null, null, now);
                    completeLocally(s[0], recipient, o, after);
                } else if (o.receipt != null) {
                    after.reply(ExchangeWire.RECEIPT, s[0], s[1], null, o.receipt, issuer);
                } else {
                    after.reply(ExchangeWire.FAILED, s[0], s[1], o.failure, null, issuer);
                }
                return null;
            });
            after.run();
        }
        store.purgeFailed(now.minus(settings.dedupeWindow()));
    }

    /** Stops the worker after the batch it is on; what waits in the queue the hub sends again. */
    @Override
    public void close() {
        running = false;
        wakeUploader();
        fetchers.shutdownNow();
        try {
            worker.join(10_000);
            uploader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        uploaders.shutdownNow();
    }
}
