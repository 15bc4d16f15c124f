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
 *   <li>a message from a box is committed before it is acknowledged to the broker (see {@link HubSubscriber});</li>
 *   <li>the message id is the duplicate key: a repeated document is not stored or delivered again;
 *       the sender hears "at the hub" again, or, for a document the hub refused, the refusal again;</li>
 *   <li>a document is sent to its recipient box until that box says it stored it (or refused it), at
 *       every BIRTH of the box and every {@link HubSettings#resendInterval()} while it is connected, until
 *       the document's deadline: then the sender is told "undeliverable" with the reason;</li>
 *   <li>a receipt that arrives after that still completes the document (the sender accepts it too);</li>
 *   <li>a notice for a sender box is kept until the box acknowledges it;</li>
 *   <li>a box speaks only for itself: it may send for, register and answer for only the units it serves.</li>
 * </ul>
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

    /** Handles one message from {@code box}; returns once its effect is committed. Never throws for bad input. */
    public void onBoxMessage(String box, String resource, KuraPayload p) throws SQLException {
        List<Runnable> after = new ArrayList<>();
        switch (resource) {
            case ExchangeWire.DOC -> onDocument(box, p, after);
            case ExchangeWire.DELIVERED -> onAnswer(box, p, State.DELIVERED, after);
            case ExchangeWire.RECEIPT -> onAnswer(box, p, State.RECEIVED, after);
            case ExchangeWire.FAILED -> onAnswer(box, p, State.FAILED, after);
            case ExchangeWire.NOTICE_ACK -> {
                String ids = p.stringMetric(ExchangeWire.NOTICE_IDS);
                if (ids != null) {
                    store.ackNotices(box, List.of(ids.split(",")));
                }
            }
            case ExchangeWire.REGISTER -> onRegister(box, p, after);
            default -> LOG.warn("box {}: unknown exchange message '{}' ignored", box, LogSafe.of(resource));
        }
        after.forEach(Runnable::run);
    }

    private void onDocument(String box, KuraPayload p, List<Runnable> after) throws SQLException {
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        try {
            MessageIds.check(id);
        } catch (DocumentRefused e) {
            refused.increment();
            LOG.warn("box {}: document refused: {}", box, LogSafe.of(e.getMessage()));
            return;
        }
        String issuer = String.valueOf(p.stringMetric(ExchangeWire.ISSUER));
        String recipientsText = p.stringMetric(ExchangeWire.RECIPIENTS);
        Long deadline = p.longMetric(ExchangeWire.DEADLINE);
        String urgency = String.valueOf(p.stringMetric(ExchangeWire.URGENCY));
        byte[] body = p.body();
        long now = clock.millis();
        store.tx(c -> {
            var existing = HubStore.doc(c, id);
            if (existing.isPresent()) {
                duplicates.increment();
                Doc d = existing.get();
                if (!d.senderBox().equals(box)) {
                    LOG.warn("box {}: document {} was sent by box {}; this copy is ignored", box, id, d.senderBox());
                    return null;
                }
                if (d.refused() != null) {
                    // a duplicate of a refused document gets the refusal again, never "at the hub"
                    notice(c, box, NoticeKind.UNDELIVERABLE, id, null, d.refused(), null, after);
                } else {
                    notice(c, box, NoticeKind.AT_HUB, id, null, null, null, after);
                }
                return null;
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
                refused.increment();
                HubStore.insertDoc(c, new Doc(id, box, issuer, urgency, deadline == null ? 0 : deadline, now, 0, problem), null);
                notice(c, box, NoticeKind.UNDELIVERABLE, id, null, problem, null, after);
                LOG.warn("box {}: document {} refused: {}", box, id, problem);
                return null;
            }
            HubStore.insertDoc(c, new Doc(id, box, issuer, urgency, deadline, now, body.length, null), body);
            notice(c, box, NoticeKind.AT_HUB, id, null, null, null, after);
            Map<String, List<String>> byBox = new LinkedHashMap<>();
            for (String r : new LinkedHashSet<>(List.of(recipientsText.split(",")))) {
                var unit = UnitCode.isValid(r) ? HubStore.unit(c, r) : java.util.Optional.<HubStore.Unit>empty();
                if (unit.isEmpty()) {
                    HubStore.insertDelivery(c, id, r, "-", now);
                    String why = "unit " + LogSafe.of(r) + " is unknown to the exchange hub";
                    HubStore.setDelivery(c, id, r, State.PENDING, State.UNDELIVERABLE, why, now);
                    notice(c, box, NoticeKind.UNDELIVERABLE, id, r, why, null, after);
                    continue;
                }
                HubStore.insertDelivery(c, id, r, unit.get().box(), now);
                byBox.computeIfAbsent(unit.get().box(), b -> new ArrayList<>()).add(r);
            }
            documents.increment();
            byBox.forEach((rbox, units) -> after.add(() -> pushDocument(id, rbox)));
            return null;
        });
    }

    /** A recipient box's answer: it stored the document, refused it, or receipted it. */
    private void onAnswer(String box, KuraPayload p, State to, List<Runnable> after) throws SQLException {
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        String recipient = String.valueOf(p.stringMetric(ExchangeWire.RECIPIENT));
        if (to == State.RECEIVED && verifier != null) {
            try {
                Receipt r = Receipt.verify(p.body(), verifier);
                if (!r.messageId().equals(id) || !r.recipient().toString().equals(recipient)) {
                    throw new DocumentRefused("receipt", "is for " + r.messageId() + "/" + r.recipient() + ", sent as " + id + "/" + recipient);
                }
            } catch (RuntimeException e) {
                receiptsRefused.increment();
                LOG.warn("box {}: receipt for {} from {} refused: {}", box, LogSafe.of(id), LogSafe.of(recipient), LogSafe.of(e.getMessage()));
                return;
            }
        }
        long now = clock.millis();
        store.tx(c -> {
            var d = id == null ? java.util.Optional.<Delivery>empty() : HubStore.delivery(c, id, recipient);
            if (d.isEmpty() || !d.get().box().equals(box)) {
                LOG.warn("box {}: answer {} for {} / {} does not match a delivery to this box: ignored", box, to, LogSafe.of(id),
                        LogSafe.of(recipient));
                return null;
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
                return null;
            }
            String senderBox = HubStore.doc(c, id).map(Doc::senderBox).orElseThrow();
            switch (to) {
                case DELIVERED -> notice(c, senderBox, NoticeKind.DELIVERED, id, recipient, null, null, after);
                case FAILED -> notice(c, senderBox, NoticeKind.FAILED, id, recipient, p.stringMetric(ExchangeWire.REASON), null, after);
                case RECEIVED -> {
                    receipts.increment();
                    notice(c, senderBox, NoticeKind.RECEIPT, id, recipient, null, p.body(), after);
                }
                default -> { }
            }
            HubStore.dropEnvelopeIfDone(c, id);
            return null;
        });
    }

    private void onRegister(String box, KuraPayload p, List<Runnable> after) throws SQLException {
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
        if (problem != null) {
            refused.increment();
            LOG.warn("box {}: registration of unit {} refused: {}", box, LogSafe.of(unit), problem);
            return;
        }
        long now = clock.millis();
        store.tx(c -> {
            HubStore.putUnit(c, new HubStore.Unit(unit, box, p.body()), now);
            return null;
        });
        LOG.info("exchange: unit {} served by box {}", unit, box);
        after.add(this::broadcastDirectory);
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
                        List<Runnable> after) throws SQLException {
        Notice n = new Notice(UUID.randomUUID().toString(), box, kind.name(), id, recipient, reason, body);
        HubStore.insertNotice(c, n, clock.millis());
        if (kind == NoticeKind.UNDELIVERABLE) {
            undeliverable.increment();
        }
        after.add(() -> pushNotice(n));
    }

    // ---- pushing to boxes -----------------------------------------------------------------

    private void pushDocument(String id, String box) {
        try {
            List<Delivery> pending = store.tx(c -> HubStore.deliveries(c, "message_id = ? AND box = ? AND state = 'PENDING'", List.of(id, box), BATCH));
            if (pending.isEmpty()) {
                return;
            }
            Doc d;
            byte[] envelope;
            try (Connection c = store.database().connect()) {
                d = HubStore.doc(c, id).orElseThrow();
                envelope = HubStore.envelope(c, id);
            }
            if (envelope == null) {
                return;
            }
            List<String> units = pending.stream().map(Delivery::recipient).toList();
            sender.publish(box, ExchangeWire.PUT_DOC, KuraPayload.builder().timestamp(clock.millis())
                    .metric(ExchangeWire.MESSAGE_ID, id).metric(ExchangeWire.ISSUER, d.issuer())
                    .metric(ExchangeWire.RECIPIENTS, String.join(",", units)).metric(ExchangeWire.URGENCY, d.urgency())
                    .metric(ExchangeWire.DEADLINE, d.deadline()).body(envelope).build());
            store.tx(c -> {
                HubStore.markSent(c, id, box, clock.millis());
                return null;
            });
        } catch (Exception e) {
            publishFailures.increment();
            LOG.warn("document {} to box {} not sent now (sent again later): {}", id, box, e.toString());
        }
    }

    private void pushNotice(Notice n) {
        try {
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
            sender.publish(n.box(), ExchangeWire.PUT_NOTICE, b.build());
            store.noticeSent(n.id(), clock.millis());
        } catch (Exception e) {
            publishFailures.increment();
            LOG.warn("notice {} to box {} not sent now (sent again later): {}", n.kind(), n.box(), e.toString());
        }
    }

    private void broadcastDirectory() {
        try {
            List<HubStore.Unit> units = store.units();
            byte[] json = directoryJson(units);
            Set<String> boxes = new LinkedHashSet<>();
            units.forEach(u -> boxes.add(u.box()));
            for (String b : boxes) {
                sender.publish(b, ExchangeWire.PUT_DIRECTORY, KuraPayload.builder().timestamp(clock.millis()).body(json).build());
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

    /** A box connected: its directory, every document waiting for it and every unacknowledged notice, now. */
    public void onBirth(String box) {
        try {
            byte[] json = directoryJson(store.units());
            sender.publish(box, ExchangeWire.PUT_DIRECTORY, KuraPayload.builder().timestamp(clock.millis()).body(json).build());
        } catch (Exception e) {
            LOG.warn("directory to box {} not sent: {}", box, e.toString());
        }
        resendTo(box, Long.MAX_VALUE);
    }

    private void resendTo(String box, long sentBefore) {
        try {
            List<Delivery> pending = store.tx(c -> HubStore.deliveries(c,
                    "state = 'PENDING' AND last_sent < ?" + (box == null ? "" : " AND box = ?"),
                    box == null ? List.of(sentBefore) : List.of(sentBefore, box), BATCH));
            Set<String> done = new LinkedHashSet<>();
            for (Delivery d : pending) {
                if (online.test(d.box()) && done.add(d.messageId() + "/" + d.box())) {
                    pushDocument(d.messageId(), d.box());
                }
            }
            for (Notice n : store.notices(box, sentBefore, BATCH)) {
                if (online.test(n.box())) {
                    pushNotice(n);
                }
            }
        } catch (SQLException e) {
            LOG.warn("exchange resend failed: {}", e.toString());
        }
    }

    /**
     * Periodic work: send again what connected boxes have not acknowledged, give up on recipients whose
     * deadline passed (the sender is told why), forget documents older than the duplicate window.
     */
    public void tick() {
        long now = clock.millis();
        resendTo(null, now - settings.resendInterval().toMillis());
        try {
            List<Runnable> after = new ArrayList<>();
            store.tx(c -> {
                for (Delivery d : HubStore.deliveries(c, "state = 'PENDING' AND message_id IN (SELECT message_id FROM exchange_doc "
                        + "WHERE deadline < ?)", List.of(now), BATCH)) {
                    String why = "the recipient's box " + d.box() + " was not reached before the deadline ("
                            + (d.attempts() == 0 ? "never connected since" : d.attempts() + " attempts") + ")";
                    if (HubStore.setDelivery(c, d.messageId(), d.recipient(), State.PENDING, State.UNDELIVERABLE, why, now)) {
                        String senderBox = HubStore.doc(c, d.messageId()).map(Doc::senderBox).orElseThrow();
                        notice(c, senderBox, NoticeKind.UNDELIVERABLE, d.messageId(), d.recipient(), why, null, after);
                        HubStore.dropEnvelopeIfDone(c, d.messageId());
                    }
                }
                return null;
            });
            after.forEach(Runnable::run);
            store.purge(now - settings.dedupeWindow().toMillis());
        } catch (SQLException e) {
            LOG.warn("exchange deadline check failed: {}", e.toString());
        }
    }
}
