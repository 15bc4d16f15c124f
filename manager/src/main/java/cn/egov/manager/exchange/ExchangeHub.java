package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.exchange.ExchangeWire.NoticeKind;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.text.LogSafe;
import cn.egov.exchange.cms.CmsVerifier;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.cms.UnitCertificates;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.manager.exchange.HubStore.Delivery;
import cn.egov.manager.exchange.HubStore.Doc;
import cn.egov.manager.exchange.HubStore.Notice;
import cn.egov.manager.exchange.HubStore.State;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provincial exchange hub: takes documents from boxes, stores them, delivers them to the box
 * that serves each recipient, and brings the recipients' answers back to the sender as notices.
 *
 * <p>Rules that make it lose and repeat nothing:
 * <ul>
 *   <li>a message from a box is committed before it is acknowledged to the broker (see {@link HubInbox});</li>
 *   <li>the message id is the duplicate key: a repeated document is not stored or delivered again;
 *       the sender hears "at the hub" again, or, for a document the hub refused, the refusal again;</li>
 *   <li>a document is sent to its recipient box until that box says it stored it (or refused it): at
 *       once, at every BIRTH of the box, and while it is connected after {@link HubSettings#resendInterval()},
 *       the wait doubling at every send up to {@link HubSettings#resendMax()} (a box working through a
 *       backlog is not flooded with copies), until the document's deadline: then the sender is told
 *       "undeliverable" with the reason;</li>
 *   <li>a receipt that arrives after that still completes the document (the sender accepts it too);</li>
 *   <li>a notice for a sender box is kept until the box acknowledges it;</li>
 *   <li>a box speaks only for itself: it may send for, register and answer for only the units it serves.</li>
 * </ul>
 *
 * <p>Messages from boxes come in batches ({@link #onBoxMessages}): one transaction for the batch,
 * then one round of publishes for everything it produced (documents to recipients, notices to
 * senders), all in flight at once.
 */
public final class ExchangeHub {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHub.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final HubStore store;
    private final HubSettings settings;
    private final TrustAnchors trust;
    private final CmsVerifier verifier;
    private final BoxSender sender;
    private final Predicate<String> online;
    private final Clock clock;
    /**
     * Held from reading the units to publishing the directory: a BIRTH's directory (the ingest thread) and a
     * registration's broadcast (the sender thread) would otherwise reach a box in the opposite order of their
     * reads, and the box keep the older one (seen: 3 units, then 2).
     */
    private final Object directorySends = new Object();
    public final LongAdder documents = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder refused = new LongAdder();
    public final LongAdder receipts = new LongAdder();
    public final LongAdder receiptsRefused = new LongAdder();
    public final LongAdder undeliverable = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();

    /**
     * @param trust  the provincial roots and issuing CAs (registrations and receipts are verified), or null: then
     *               registrations are refused and receipts passed on unverified (the sender verifies them anyway)
     * @param online whether a box is connected now (documents are not re-sent to boxes known to be away)
     */
    public ExchangeHub(HubStore store, HubSettings settings, TrustAnchors trust, BoxSender sender, Predicate<String> online, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.trust = trust;
        this.verifier = trust == null ? null : new CmsVerifier(trust);
        this.sender = sender;
        this.online = online;
        this.clock = clock;
    }

    public HubStore store() {
        return store;
    }

    /**
     * A message from a box: over MQTT (through ingest's session), or a document uploaded over HTTPS
     * ({@code upload} not null: the hub's answer goes back in the HTTP response, not as a notice).
     */
    public record BoxMessage(String box, String resource, KuraPayload payload, Upload upload) {
        public BoxMessage(String box, String resource, KuraPayload payload) {
            this(box, resource, payload, null);
        }
    }

    /**
     * What the hub answers a document uploaded over HTTPS, set inside the transaction that stores it
     * (and set again if that transaction is tried again): taken ({@code refusal} null, the sender's
     * recipients are AT_HUB), or refused with the reason. Read only after the commit.
     */
    public static final class Upload {
        private volatile boolean answered;
        private volatile String refusal;

        void answer(String refusal) {
            this.refusal = refusal;
            this.answered = true;
        }

        /** True once a committed transaction handled the document. */
        public boolean answered() {
            return answered;
        }

        /** Why the hub refused the document, or null when it took it. */
        public String refusal() {
            return refusal;
        }
    }

    /**
     * What committed transactions send: documents to push to recipient boxes, notices, the directory.
     * The sends of several batches merge into one round ({@link #merge}), so a sender that is behind
     * catches up in one publish round and one transaction instead of one per batch.
     */
    static final class Pushes {
        final Set<String> documents = new LinkedHashSet<>(); // messageId + "/" + box
        final List<Notice> notices = new ArrayList<>();
        /** Boxes that get everything waiting for them, as at BIRTH (their exchange registered: it is subscribed now). */
        final Set<String> everythingFor = new LinkedHashSet<>();
        boolean directory;

        /** Messages this round sends (the directory and each catch-up count as one). */
        int size() {
            return documents.size() + notices.size() + everythingFor.size() + (directory ? 1 : 0);
        }

        /** The boxes this round sends to (the directory goes to every box). */
        Set<String> boxes() {
            Set<String> out = new LinkedHashSet<>();
            documents.forEach(k -> out.add(k.substring(k.indexOf('/') + 1)));
            notices.forEach(n -> out.add(n.box()));
            out.addAll(everythingFor);
            return out;
        }

        void merge(Pushes later) {
            documents.addAll(later.documents);
            notices.addAll(later.notices);
            everythingFor.addAll(later.everythingFor);
            directory |= later.directory;
        }
    }

    /** Handles one message from {@code box}; returns once its effect is committed. Never throws for bad input. */
    public void onBoxMessage(String box, String resource, KuraPayload p) throws SQLException {
        onBoxMessages(List.of(new BoxMessage(box, resource, p)));
    }

    /**
     * Handles messages from boxes in one transaction, then sends what they produced. Returns once
     * their effect is committed (the caller acknowledges them to the broker after this). Never
     * throws for bad input; an SQLException means nothing was stored and the batch should come again.
     */
    public void onBoxMessages(List<BoxMessage> batch) throws SQLException {
        push(commit(batch));
    }

    /**
     * The first half of {@link #onBoxMessages}: handles the batch in one transaction and returns the
     * sends it produced, to be {@link #push}ed once the batch is acknowledged to the broker. The
     * subscriber pushes them on a thread of its own so that the next batch is committed while these
     * are on the wire (a send lost before it ran is due in the store: {@link #sendDueTo}, {@link #tick}
     * or the box's BIRTH sends it).
     */
    Pushes commit(List<BoxMessage> batch) throws SQLException {
        Pushes pushes = new Pushes();
        List<Runnable> counters = new ArrayList<>();
        // receipts are verified before the transaction: CPU work does not hold the database's write lock
        Map<BoxMessage, String> receiptProblems = new java.util.IdentityHashMap<>();
        for (BoxMessage m : batch) {
            if (m.resource().equals(ExchangeWire.RECEIPT)) {
                String problem = receiptProblem(m.payload());
                if (problem != null) {
                    receiptProblems.put(m, problem);
                }
            }
        }
        store.tx(c -> {
            for (BoxMessage m : batch) {
                handle(c, m, receiptProblems.get(m), pushes, counters);
            }
            return null;
        });
        counters.forEach(Runnable::run);
        return pushes;
    }

    private void handle(Connection c, BoxMessage m, String receiptProblem, Pushes pushes, List<Runnable> counters) throws SQLException {
        String box = m.box();
        KuraPayload p = m.payload();
        switch (m.resource()) {
            case ExchangeWire.DOC -> onDocument(c, box, p, m.upload(), pushes, counters);
            case ExchangeWire.DELIVERED -> onAnswer(c, box, p, State.DELIVERED, pushes, counters);
            case ExchangeWire.RECEIPT -> {
                if (receiptProblem != null) {
                    counters.add(receiptsRefused::increment);
                    LOG.warn("box {}: receipt for {} from {} refused: {}", box, LogSafe.of(p.stringMetric(ExchangeWire.MESSAGE_ID)),
                            LogSafe.of(p.stringMetric(ExchangeWire.RECIPIENT)), LogSafe.of(receiptProblem));
                } else {
                    onAnswer(c, box, p, State.RECEIVED, pushes, counters);
                }
            }
            case ExchangeWire.FAILED -> onAnswer(c, box, p, State.FAILED, pushes, counters);
            case ExchangeWire.NOTICE_ACK -> {
                String ids = p.stringMetric(ExchangeWire.NOTICE_IDS);
                if (ids != null) {
                    HubStore.ackNotices(c, box, List.of(ids.split(",")));
                }
            }
            case ExchangeWire.REGISTER -> onRegister(c, box, p, pushes, counters);
            default -> LOG.warn("box {}: unknown exchange message '{}' ignored", box, LogSafe.of(m.resource()));
        }
    }

    /** Null when the receipt's signature and chain verify and it names the message and recipient it came with. */
    private String receiptProblem(KuraPayload p) {
        if (verifier == null) {
            return null;
        }
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String recipient = String.valueOf(p.stringMetric(ExchangeWire.RECIPIENT));
        try {
            Receipt r = Receipt.verify(p.body(), verifier);
            if (!r.messageId().equals(id) || !r.recipient().toString().equals(recipient)) {
                return "it is for " + r.messageId() + "/" + r.recipient() + ", sent as " + id + "/" + recipient;
            }
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private void onDocument(Connection c, String box, KuraPayload p, Upload upload, Pushes pushes, List<Runnable> counters)
            throws SQLException {
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        try {
            MessageIds.check(id);
        } catch (DocumentRefused e) {
            counters.add(refused::increment);
            LOG.warn("box {}: document refused: {}", box, LogSafe.of(e.getMessage()));
            if (upload != null) {
                upload.answer(e.getMessage());
            }
            return;
        }
        String issuer = String.valueOf(p.stringMetric(ExchangeWire.ISSUER));
        String recipientsText = p.stringMetric(ExchangeWire.RECIPIENTS);
        Long deadline = p.longMetric(ExchangeWire.DEADLINE);
        String urgency = String.valueOf(p.stringMetric(ExchangeWire.URGENCY));
        byte[] body = p.body();
        long now = clock.millis();
        var existing = HubStore.doc(c, id);
        if (existing.isPresent()) {
            counters.add(duplicates::increment);
            Doc d = existing.get();
            if (!d.senderBox().equals(box)) {
                LOG.warn("box {}: document {} was sent by box {}; this copy is ignored", box, id, d.senderBox());
                if (upload != null) {
                    upload.answer("message id " + id + " belongs to a document of another box");
                }
                return;
            }
            if (upload != null) {
                upload.answer(d.refused()); // a duplicate of a refused document gets the refusal again, never "at the hub"
            } else if (d.refused() != null) {
                notice(c, box, NoticeKind.UNDELIVERABLE, id, null, d.refused(), null, pushes, counters);
            } else {
                notice(c, box, NoticeKind.AT_HUB, id, null, null, null, pushes, counters);
            }
            return;
        }
        String problem = null;
        var issuerUnit = HubStore.unit(c, issuer);
        if (issuerUnit.isEmpty() || !issuerUnit.get().box().equals(box)) {
            problem = "unit " + LogSafe.of(issuer) + " is not served by box " + box;
        } else if (body == null || body.length == 0) {
            problem = "the document has no content";
        } else if (body.length > settings.maxDocumentBytes()) {
            problem = "the document has " + body.length + " bytes, more than the hub's limit of " + settings.maxDocumentBytes();
        } else if (deadline == null || deadline < now) {
            problem = "its deadline had passed when the hub received it";
        } else if (recipientsText == null || recipientsText.isBlank()) {
            problem = "it names no recipient";
        }
        if (problem != null) {
            counters.add(refused::increment);
            HubStore.insertDoc(c, new Doc(id, box, issuer, urgency, deadline == null ? 0 : deadline, now, 0, problem), null);
            if (upload != null) {
                upload.answer(problem);
            } else {
                notice(c, box, NoticeKind.UNDELIVERABLE, id, null, problem, null, pushes, counters);
            }
            LOG.warn("box {}: document {} refused: {}", box, id, problem);
            return;
        }
        HubStore.insertDoc(c, new Doc(id, box, issuer, urgency, deadline, now, body.length, null), body);
        if (upload != null) {
            upload.answer(null);
        } else {
            notice(c, box, NoticeKind.AT_HUB, id, null, null, null, pushes, counters);
        }
        for (String r : new LinkedHashSet<>(List.of(recipientsText.split(",")))) {
            var unit = UnitCode.isValid(r) ? HubStore.unit(c, r) : java.util.Optional.<HubStore.Unit>empty();
            if (unit.isEmpty()) {
                HubStore.insertDelivery(c, id, r, "-", now);
                String why = "unit " + LogSafe.of(r) + " is unknown to the exchange hub";
                HubStore.setDelivery(c, id, r, State.PENDING, State.UNDELIVERABLE, why, now);
                notice(c, box, NoticeKind.UNDELIVERABLE, id, r, why, null, pushes, counters);
                continue;
            }
            HubStore.insertDelivery(c, id, r, unit.get().box(), now);
            pushes.documents.add(id + "/" + unit.get().box());
        }
        counters.add(documents::increment);
    }

    /** A recipient box's answer: it stored the document, refused it, or receipted it (receipt verified already). */
    private void onAnswer(Connection c, String box, KuraPayload p, State to, Pushes pushes, List<Runnable> counters) throws SQLException {
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String recipient = String.valueOf(p.stringMetric(ExchangeWire.RECIPIENT));
        long now = clock.millis();
        var d = id == null ? java.util.Optional.<Delivery>empty() : HubStore.delivery(c, id, recipient);
        if (d.isEmpty() || !d.get().box().equals(box)) {
            LOG.warn("box {}: answer {} for {} / {} does not match a delivery to this box: ignored", box, to, LogSafe.of(id),
                    LogSafe.of(recipient));
            return;
        }
        Delivery del = d.get();
        boolean moved = switch (to) {
            case DELIVERED -> del.state() == State.PENDING && HubStore.setDelivery(c, id, recipient, State.PENDING, to, null, now);
            case FAILED -> (del.state() == State.PENDING || del.state() == State.DELIVERED)
                    && HubStore.setDelivery(c, id, recipient, del.state(), to, p.stringMetric(ExchangeWire.REASON), now);
            // a late receipt completes a document the hub had given up on
            case RECEIVED -> del.state() != State.RECEIVED && del.state() != State.FAILED
                    && HubStore.setDelivery(c, id, recipient, del.state(), to, null, now);
            default -> false;
        };
        if (!moved) {
            return;
        }
        String senderBox = HubStore.doc(c, id).map(Doc::senderBox).orElseThrow();
        switch (to) {
            case DELIVERED -> notice(c, senderBox, NoticeKind.DELIVERED, id, recipient, null, null, pushes, counters);
            case FAILED -> notice(c, senderBox, NoticeKind.FAILED, id, recipient, p.stringMetric(ExchangeWire.REASON), null, pushes, counters);
            case RECEIVED -> {
                counters.add(receipts::increment);
                notice(c, senderBox, NoticeKind.RECEIPT, id, recipient, null, p.body(), pushes, counters);
            }
            default -> { }
        }
        HubStore.dropEnvelopeIfDone(c, id);
    }

    /**
     * The envelope of document {@code messageId} for {@code box}, when the box serves a recipient the
     * hub holds it for (not yet final): what the document server hands a box that fetches it.
     */
    public java.util.Optional<byte[]> envelopeFor(String box, String messageId) throws SQLException {
        return store.read(c -> {
            boolean mine = !HubStore.deliveries(c, "message_id = ? AND box = ? AND state IN ('PENDING', 'DELIVERED')",
                    List.of(messageId, box), 1).isEmpty();
            return mine ? java.util.Optional.ofNullable(HubStore.envelope(c, messageId)) : java.util.Optional.empty();
        });
    }

    private void onRegister(Connection c, String box, KuraPayload p, Pushes pushes, List<Runnable> counters) throws SQLException {
        // a box registers once its exchange has subscribed to its topics, which may be after its BIRTH (the
        // service starts when its keys are ready): what the hub sent at BIRTH may have found no subscriber
        pushes.everythingFor.add(box);
        String unit = String.valueOf(p.stringMetric(ExchangeWire.UNIT));
        String problem;
        if (trust == null) {
            problem = "the hub has no trust anchors (set exchange.trust-file)";
        } else if (!UnitCode.isValid(unit) || !UnitCode.isValid(box)) {
            problem = "'" + LogSafe.of(unit) + "' is not a unit code";
        } else if (!UnitCode.parse(unit).countyCode().equals(UnitCode.parse(box).countyCode())) {
            problem = "box " + box + " may serve only units of its own county " + UnitCode.parse(box).countyCode();
        } else {
            problem = checkCertificate(p.body(), UnitCode.parse(unit));
        }
        var known = problem == null ? HubStore.unit(c, unit) : java.util.Optional.<HubStore.Unit>empty();
        if (known.isPresent() && !known.get().box().equals(box)) {
            problem = takeOverProblem(known.get(), p.body());
        }
        if (problem != null) {
            counters.add(refused::increment);
            LOG.warn("box {}: registration of unit {} refused: {}", box, LogSafe.of(unit), problem);
            return;
        }
        if (known.isPresent() && known.get().box().equals(box) && java.util.Arrays.equals(known.get().certificate(), p.body())) {
            return; // registered as it was (every start of the box registers again)
        }
        HubStore.putUnit(c, new HubStore.Unit(unit, box, p.body()), clock.millis());
        LOG.info("exchange: unit {} served by box {}", unit, box);
        pushes.directory = true;
    }

    /**
     * Why a box may not take over a unit another box serves, or null. The directory hands every box
     * every unit's encryption certificate, so showing the one on record proves nothing: a box of the
     * same county could replay it and have the unit's documents sent to itself (the real box would
     * never get them) and send documents as that unit. A unit moves to a new box with the keys that
     * box enrolled, so with an encryption certificate issued after the one on record.
     */
    private static String takeOverProblem(HubStore.Unit known, byte[] der) {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            X509Certificate held = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(known.certificate()));
            X509Certificate offered = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der));
            if (offered.getNotBefore().after(held.getNotBefore())) {
                return null;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // the certificate on record no longer reads: the new one, checked above, replaces it
            return null;
        }
        return "the unit is served by box " + known.box() + " and its encryption certificate is not newer than the one"
                + " on record (a unit moves to another box with the document keys that box enrolled)";
    }

    private String checkCertificate(byte[] der, UnitCode unit) {
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            String p = UnitCertificates.encryptionProblem(cert, unit);
            if (p != null) {
                return "encryption certificate: " + p;
            }
            trust.validate(cert, List.of());
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return "encryption certificate is not one of the provincial CA: " + e.getMessage();
        }
    }

    private void notice(Connection c, String box, NoticeKind kind, String id, String recipient, String reason, byte[] body,
                        Pushes pushes, List<Runnable> counters) throws SQLException {
        Notice n = new Notice(UUID.randomUUID().toString(), box, kind.name(), id, recipient, reason, body);
        HubStore.insertNotice(c, n, clock.millis());
        if (kind == NoticeKind.UNDELIVERABLE) {
            counters.add(undeliverable::increment);
        }
        pushes.notices.add(n);
    }

    // ---- pushing to boxes -----------------------------------------------------------------

    /** Sends what transactions produced; a send that fails is repeated at the next due time or BIRTH. Never throws. */
    void push(Pushes pushes) {
        try {
            List<Delivery> due = new ArrayList<>();
            if (!pushes.documents.isEmpty()) {
                store.read(c -> {
                    for (String key : pushes.documents) {
                        int slash = key.indexOf('/');
                        due.addAll(HubStore.deliveries(c, "message_id = ? AND box = ? AND state = 'PENDING'",
                                List.of(key.substring(0, slash), key.substring(slash + 1)), BATCH));
                    }
                    return null;
                });
            }
            pushDocuments(due);
            List<HubStore.StoredNotice> notices = pushes.notices.stream().map(n -> new HubStore.StoredNotice(n, 0)).toList();
            pushNotices(notices);
            if (pushes.directory) {
                broadcastDirectory();
            }
            for (String box : pushes.everythingFor) {
                sendEverythingWaiting(box);
            }
        } catch (SQLException | RuntimeException e) {
            publishFailures.increment();
            LOG.warn("exchange: sending to boxes failed now (sent again later): {}", e.toString());
        }
    }

    /** Sends each document once to each box that has pending recipients in {@code deliveries}, and records the sends. */
    private void pushDocuments(List<Delivery> deliveries) throws SQLException {
        for (int from = 0; from < deliveries.size(); ) {
            // one document per (message, box), its pending recipients together; BATCH documents in flight at a time
            Map<String, List<Delivery>> byDocAndBox = new LinkedHashMap<>();
            int i = from;
            for (; i < deliveries.size() && byDocAndBox.size() < BATCH; i++) {
                Delivery d = deliveries.get(i);
                byDocAndBox.computeIfAbsent(d.messageId() + "/" + d.box(), k -> new ArrayList<>()).add(d);
            }
            from = i;
            List<BoxSender.Outgoing> out = new ArrayList<>();
            List<List<Delivery>> sentFor = new ArrayList<>();
            store.read(c -> {
                for (List<Delivery> group : byDocAndBox.values()) {
                    Delivery first = group.get(0);
                    var doc = HubStore.doc(c, first.messageId());
                    if (doc.isEmpty() || doc.get().refused() != null || !HubStore.hasEnvelope(c, first.messageId())) {
                        continue;
                    }
                    Doc d = doc.get();
                    // the notice only: the box fetches the envelope over HTTPS (a megabyte crosses no broker)
                    out.add(new BoxSender.Outgoing(first.box(), ExchangeWire.PUT_DOC, KuraPayload.builder().timestamp(clock.millis())
                            .metric(ExchangeWire.MESSAGE_ID, d.messageId()).metric(ExchangeWire.ISSUER, d.issuer())
                            .metric(ExchangeWire.RECIPIENTS, String.join(",", group.stream().map(Delivery::recipient).toList()))
                            .metric(ExchangeWire.URGENCY, d.urgency()).metric(ExchangeWire.DEADLINE, d.deadline())
                            .metric(ExchangeWire.SIZE, d.size()).build()));
                    sentFor.add(group);
                }
                return null;
            });
            boolean[] ok = sender.publishAll(out);
            List<Delivery> sent = new ArrayList<>();
            for (int k = 0; k < ok.length; k++) {
                if (ok[k]) {
                    sent.addAll(sentFor.get(k));
                } else {
                    publishFailures.increment();
                }
            }
            long now = clock.millis();
            store.tx(c -> {
                HubStore.markSent(c, sent, now, attempts -> settings.nextSend(now, attempts));
                return null;
            });
        }
    }

    private void pushNotices(List<HubStore.StoredNotice> all) throws SQLException {
        for (int from = 0; from < all.size(); from += BATCH) {
            pushNoticeChunk(all.subList(from, Math.min(all.size(), from + BATCH)));
        }
    }

    /** Sends up to {@link #BATCH} notices, all in flight at once, and records the sends. */
    private void pushNoticeChunk(List<HubStore.StoredNotice> notices) throws SQLException {
        List<BoxSender.Outgoing> out = new ArrayList<>();
        for (HubStore.StoredNotice s : notices) {
            Notice n = s.notice();
            KuraPayload.Builder b = KuraPayload.builder().timestamp(clock.millis()).metric(ExchangeWire.NOTICE_ID, n.id())
                    .metric(ExchangeWire.KIND, n.kind()).metric(ExchangeWire.MESSAGE_ID, n.messageId());
            if (n.recipient() != null) {
                b.metric(ExchangeWire.RECIPIENT, n.recipient());
            }
            if (n.reason() != null) {
                b.metric(ExchangeWire.REASON, n.reason());
            }
            if (n.body() != null) {
                b.body(n.body());
            }
            out.add(new BoxSender.Outgoing(n.box(), ExchangeWire.PUT_NOTICE, b.build()));
        }
        boolean[] ok = sender.publishAll(out);
        List<HubStore.StoredNotice> sent = new ArrayList<>();
        for (int k = 0; k < ok.length; k++) {
            if (ok[k]) {
                sent.add(notices.get(k));
            } else {
                publishFailures.increment();
            }
        }
        long now = clock.millis();
        store.tx(c -> {
            HubStore.noticesSent(c, sent, now, attempts -> settings.nextSend(now, attempts));
            return null;
        });
    }

    private void broadcastDirectory() {
        try {
            synchronized (directorySends) {
                List<HubStore.Unit> units = store.units();
                byte[] json = directoryJson(units);
                Set<String> boxes = new LinkedHashSet<>();
                units.forEach(u -> boxes.add(u.box()));
                List<BoxSender.Outgoing> out = new ArrayList<>();
                for (String b : boxes) {
                    out.add(new BoxSender.Outgoing(b, ExchangeWire.PUT_DIRECTORY, KuraPayload.builder().timestamp(clock.millis()).body(json).build()));
                }
                sender.publishAll(out);
            }
        } catch (Exception e) {
            publishFailures.increment();
            LOG.warn("directory not sent now (sent at each BIRTH): {}", e.toString());
        }
    }

    static byte[] directoryJson(List<HubStore.Unit> units) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode a = root.putArray("units");
        for (HubStore.Unit u : units) {
            a.addObject().put("unit", u.unit()).put("box", u.box()).put("certificate", Base64.getEncoder().encodeToString(u.certificate()));
        }
        return JSON.writeValueAsBytes(root);
    }

    /**
     * A box connected (its session is clean: what was sent while it was away is lost): its
     * directory, every document waiting for it and every notice it has not acknowledged, now.
     */
    public void onBirth(String box) {
        try {
            synchronized (directorySends) {
                byte[] json = directoryJson(store.units());
                sender.publishAll(List.of(new BoxSender.Outgoing(box, ExchangeWire.PUT_DIRECTORY,
                        KuraPayload.builder().timestamp(clock.millis()).body(json).build())));
            }
        } catch (Exception e) {
            publishFailures.increment();
            LOG.warn("directory for box {} not sent (sent again at its next BIRTH): {}", box, e.toString());
        }
        sendEverythingWaiting(box);
    }

    /** Every document waiting for {@code box} and every notice it has not acknowledged, now, whatever their next send time. */
    private void sendEverythingWaiting(String box) {
        try {
            List<Delivery> pending = store.read(c -> HubStore.pendingFor(c, box));
            pushDocuments(pending);
            List<HubStore.StoredNotice> notices = store.read(c -> HubStore.notices(c, box, Long.MAX_VALUE, Integer.MAX_VALUE));
            pushNotices(notices);
        } catch (Exception e) {
            publishFailures.increment();
            LOG.warn("catch-up of box {} failed (repeated at its next BIRTH and by the resend timer): {}", box, e.toString());
        }
    }

    /**
     * Sends what is due in the store for {@code box} (never sent, or its next send time passed), at
     * most one page of documents and one of notices: what the sender thread could not keep in memory
     * (its bound) it reads back from the store at once instead of leaving it to {@link #tick}.
     *
     * @return true when a page was full (more may be due: call again)
     */
    boolean sendDueTo(String box) {
        long now = clock.millis();
        try {
            List<Delivery> due = store.read(c -> HubStore.deliveries(c, "state = 'PENDING' AND box = ? AND next_send <= ? AND message_id IN "
                    + "(SELECT message_id FROM exchange_doc WHERE deadline >= ?)", List.of(box, now, now), BATCH));
            List<HubStore.StoredNotice> notices = store.read(c -> HubStore.notices(c, box, now, BATCH));
            pushDocuments(due);
            pushNotices(notices);
            return due.size() == BATCH || notices.size() == BATCH;
        } catch (SQLException | RuntimeException e) {
            publishFailures.increment();
            LOG.warn("exchange: sending what is due to box {} failed now (sent again later): {}", box, e.toString());
            return false;
        }
    }

    /** Sends again what is due (its next send time passed without an answer), to connected boxes only. */
    private void resendDue(long now) throws SQLException {
        List<Delivery> due = store.read(c -> HubStore.due(c, now, BATCH * 4)).stream().filter(d -> online.test(d.box())).toList();
        List<HubStore.StoredNotice> notices = store.read(c -> HubStore.notices(c, null, now, BATCH * 4)).stream()
                .filter(n -> online.test(n.notice().box())).toList();
        pushDocuments(due);
        pushNotices(notices);
    }

    /**
     * Periodic work: send again what connected boxes have not acknowledged in time, give up on
     * recipients whose deadline passed (the sender is told why), forget documents older than the
     * duplicate window.
     */
    public void tick() {
        long now = clock.millis();
        try {
            Pushes pushes = new Pushes();
            List<Runnable> counters = new ArrayList<>();
            store.tx(c -> {
                for (Delivery d : HubStore.deliveries(c, "state = 'PENDING' AND message_id IN (SELECT message_id FROM exchange_doc "
                        + "WHERE deadline < ?)", List.of(now), BATCH)) {
                    String why = "the recipient's box " + d.box() + " was not reached before the deadline ("
                            + (d.attempts() == 0 ? "never connected since" : d.attempts() + " attempts") + ")";
                    if (HubStore.setDelivery(c, d.messageId(), d.recipient(), State.PENDING, State.UNDELIVERABLE, why, now)) {
                        String senderBox = HubStore.doc(c, d.messageId()).map(Doc::senderBox).orElseThrow();
                        notice(c, senderBox, NoticeKind.UNDELIVERABLE, d.messageId(), d.recipient(), why, null, pushes, counters);
                        HubStore.dropEnvelopeIfDone(c, d.messageId());
                    }
                }
                return null;
            });
            counters.forEach(Runnable::run);
            push(pushes);
            // after the deadlines: a document past its deadline is given up on, not sent once more
            resendDue(now);
            store.purge(now - settings.dedupeWindow().toMillis());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("exchange periodic work failed (tried again at the next tick): {}", e.toString());
        }
    }
}
