package cn.egov.manager.exchange;

import cn.egov.manager.support.StoreKind;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.HubLink;
import cn.egov.exchange.service.HubTransfer;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.store.OutgoingRecord;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's rules with the real {@link ExchangeHub} on a real SQLite database and two real box
 * services, the wire between them held in the test's hands (so a box's answers can be kept back
 * like an outbox behind a broken link): the deadline gives a recipient up with the reason, a late
 * receipt still completes the document, forged and replayed receipts change nothing, a duplicate
 * of a refused document gets the refusal again, and the NOC summary shows volumes per city and
 * county, the undelivered and the oldest waiting.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class HubRulesTest {

    @Parameter
    StoreKind kind;

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode B1 = UnitCode.parse("130606-001");

    @TempDir
    Path dir;
    TestPki pki;
    Database db;
    ExchangeHub hub;
    final AtomicLong hubNow = new AtomicLong(System.currentTimeMillis());
    final Map<String, Wire> wires = new LinkedHashMap<>();
    final List<AutoCloseable> closing = new ArrayList<>();

    /** One box's two directions: what it sent towards the hub, and whether the hub's messages reach it. */
    final class Wire {
        final List<HubLink.Message> toHub = new ArrayList<>();
        ExchangeService service;
        ExchangeStore store;
        volatile boolean holdAnswers;
        final List<BoxSender.Outgoing> fromHub = new ArrayList<>();

        synchronized List<HubLink.Message> take() {
            List<HubLink.Message> m = new ArrayList<>(toHub);
            toHub.clear();
            return m;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki("Hebei test CA");
        TrustAnchors trust = new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), Clock.systemUTC());
        db = kind.open(dir);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(hubNow.get());
            }
        };
        hub = new ExchangeHub(new HubStore(db), new HubSettings(20L << 20, Duration.ofDays(30), Duration.ofSeconds(60),
                Duration.ofMinutes(30), 100, 100), trust, this::toBoxes, box -> true, clock);
        box(A1, new LocalUnit(A1, pki.signing(A1), pki.encryption(A1)), trust);
        box(B1, new LocalUnit(B1, pki.sm2Signing(B1), pki.encryption(B1)), trust);
        for (Wire w : wires.values()) {
            w.service.register();
        }
        flushAll();
        Poll.until("box A knows unit B1", 60_000, () -> units(A1).contains(B1.toString()));
    }

    private void box(UnitCode unit, LocalUnit keys, TrustAnchors trust) throws Exception {
        Wire w = new Wire();
        w.store = ExchangeStore.open(dir.resolve(unit + ".db"));
        HubLink link = new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                synchronized (w) {
                    w.toHub.addAll(messages);
                }
            }

            @Override
            public void alarm(Alarm alarm) {
            }

            @Override
            public boolean urgentWaiting() {
                return false; // no outbox here
            }
        };
        // documents go straight to the hub, as the document server hands them over (answered after the commit)
        HubTransfer transfer = new HubTransfer() {
            @Override
            public Answer upload(String messageId, KuraPayload document) throws IOException {
                try {
                    return new Answer(HubRulesTest.this.upload(unit.toString(), document).refusal());
                } catch (java.sql.SQLException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public byte[] fetch(String messageId, long maxBytes) throws IOException {
                try {
                    return hub.envelopeFor(unit.toString(), messageId).orElseThrow(() -> new IOException("404 " + messageId));
                } catch (java.sql.SQLException e) {
                    throw new IOException(e);
                }
            }
        };
        w.service = new ExchangeService(unit.toString(), new ExchangeSettings(20L << 20, Duration.ofDays(30), 1000, Duration.ofHours(1),
                Duration.ofDays(3)), w.store, List.of(keys), trust, link, transfer, Clock.systemUTC()).start();
        closing.add(w.service);
        closing.add(w.store);
        wires.put(unit.toString(), w);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** A document uploaded by {@code box}: the hub's answer once committed. */
    private ExchangeHub.Upload upload(String box, KuraPayload document) throws java.sql.SQLException {
        ExchangeHub.Upload answer = new ExchangeHub.Upload();
        hub.onBoxMessages(List.of(new ExchangeHub.BoxMessage(box, ExchangeWire.DOC, document, answer)));
        return answer;
    }

    /** The hub's publishes: handed to the box at once (its control channel), recorded. */
    private boolean[] toBoxes(List<BoxSender.Outgoing> out) {
        boolean[] ok = new boolean[out.size()];
        for (int i = 0; i < out.size(); i++) {
            BoxSender.Outgoing o = out.get(i);
            Wire w = wires.get(o.box());
            if (w != null) {
                synchronized (w) {
                    w.fromHub.add(o);
                }
                w.service.onHubMessage(o.resource(), KuraPayloadCodec.encode(o.payload()));
                ok[i] = true;
            }
        }
        return ok;
    }

    /** What each box sent (unless held back) goes to the hub, as the broker would hand it over. */
    private void flushAll() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, Wire> e : wires.entrySet()) {
                if (!e.getValue().holdAnswers) {
                    flush(e.getKey());
                }
            }
            Thread.sleep(200);
        }
    }

    private void flush(String box) throws Exception {
        List<ExchangeHub.BoxMessage> batch = wires.get(box).take().stream()
                .map(m -> new ExchangeHub.BoxMessage(box, m.resource(), m.payload())).toList();
        if (!batch.isEmpty()) {
            hub.onBoxMessages(batch);
        }
    }

    @Test
    void theDeadlineGivesUpWithTheReasonAndALateReceiptStillCompletes() throws Exception {
        Wire a = wires.get(A1.toString());
        Wire b = wires.get(B1.toString());
        b.holdAnswers = true; // B stores and receipts the document, but its answers do not get through
        String id = a.service.send(doc(A1, B1, "关于汛期值班的通知", Duration.ofHours(1))).messageId();
        flush(A1.toString());
        Poll.until("A sees its document at the hub", 60_000, () -> state(a, id) == DeliveryState.AT_HUB);
        Poll.until("B holds the document, its receipt waiting in its outbox", 60_000,
                () -> b.toHub.stream().anyMatch(m -> m.resource().equals(ExchangeWire.RECEIPT)));
        assertEquals("PENDING", delivery(id));

        // the deadline passes at the hub: the recipient is given up on and the sender told why
        hubNow.addAndGet(Duration.ofHours(2).toMillis());
        hub.tick();
        assertEquals("UNDELIVERABLE", delivery(id));
        flushAll();
        Poll.until("A sees the document undeliverable", 60_000, () -> state(a, id) == DeliveryState.UNDELIVERABLE);
        OutgoingRecord.RecipientStatus st = a.store.outgoing(id).orElseThrow().recipients().get(B1.toString());
        assertEquals("the recipient's box 130606-001 was not reached before the deadline (1 attempts)", st.reason());
        Map<String, Object> summary = HubHandlers.summary(new HubQueries(hub.store()), 1);
        assertNull(summary.get("oldest_waiting"), "nothing waits: the one recipient was given up on");
        assertEquals(1L, ((Map<?, ?>) summary.get("totals")).get("UNDELIVERABLE"));
        assertEquals(List.of(new HubQueries.Volume("130602", "1306", 1, 0, 0), new HubQueries.Volume("130606", "1306", 0, 0, 1)),
                summary.get("volumes"));

        // B's link returns: its late receipt completes the document at the hub and at the sender
        b.holdAnswers = false;
        flushAll();
        assertEquals("RECEIVED", delivery(id));
        Poll.until("A has the late receipt", 60_000, () -> state(a, id) == DeliveryState.RECEIVED);
        assertTrue(a.store.receipt(id, B1.toString()).isPresent());
        assertEquals(0, count("SELECT COUNT(*) FROM exchange_doc WHERE envelope IS NOT NULL"), "the envelope is dropped once final");
    }

    @Test
    void forgedAndReplayedReceiptsChangeNothingAtTheHub() throws Exception {
        Wire a = wires.get(A1.toString());
        Wire b = wires.get(B1.toString());
        b.holdAnswers = true;
        String first = a.service.send(doc(A1, B1, "第一件", Duration.ofHours(1))).messageId();
        String second = a.service.send(doc(A1, B1, "第二件", Duration.ofHours(1))).messageId();
        flush(A1.toString());
        Poll.until("B's two receipts waiting", 60_000,
                () -> b.toHub.stream().filter(m -> m.resource().equals(ExchangeWire.RECEIPT)).count() == 2);
        KuraPayload genuine = b.take().stream().filter(m -> m.resource().equals(ExchangeWire.RECEIPT)
                && first.equals(m.payload().stringMetric(ExchangeWire.MESSAGE_ID))).findFirst().orElseThrow().payload();
        long refusedBefore = hub.receiptsRefused.sum();

        // the first document's genuine receipt, replayed as the receipt of the second
        hub.onBoxMessage(B1.toString(), ExchangeWire.RECEIPT, KuraPayload.builder().timestamp(1)
                .metric(ExchangeWire.MESSAGE_ID, second).metric(ExchangeWire.RECIPIENT, B1.toString()).body(genuine.body()).build());
        // a receipt for the first, signed by a unit of another CA
        TestPki other = new TestPki("Other CA");
        byte[] forged = new Receipt(first, A1, B1, Instant.now(), List.of()).sign(other.signing(B1));
        hub.onBoxMessage(B1.toString(), ExchangeWire.RECEIPT, KuraPayload.builder().timestamp(1)
                .metric(ExchangeWire.MESSAGE_ID, first).metric(ExchangeWire.RECIPIENT, B1.toString()).body(forged).build());
        // the genuine receipt, from a box that does not serve the recipient
        hub.onBoxMessage(A1.toString(), ExchangeWire.RECEIPT, genuine);

        assertEquals(refusedBefore + 2, hub.receiptsRefused.sum(), "replayed and forged receipts refused");
        assertEquals("PENDING", delivery(first));
        assertEquals("PENDING", delivery(second));
        assertEquals(0, count("SELECT COUNT(*) FROM exchange_notice WHERE kind = 'RECEIPT'"), "nothing passed on to the sender");

        // the genuine one, from B, counts
        hub.onBoxMessage(B1.toString(), ExchangeWire.RECEIPT, genuine);
        assertEquals("RECEIVED", delivery(first));
        assertEquals("PENDING", delivery(second));
    }

    @Test
    void aDuplicateOfARefusedDocumentGetsTheRefusalAgainAndTheOldestWaitingIsShown() throws Exception {
        Wire a = wires.get(A1.toString());
        Wire b = wires.get(B1.toString());
        b.holdAnswers = true;
        String waiting = a.service.send(doc(A1, B1, "等待中", Duration.ofHours(5))).messageId();
        // the box uploads on its own threads: flushed until the hub holds it (read once, the wire was
        // sometimes still empty under load, and the repetition below then reached the hub as a new document)
        Poll.until("the hub holds the waiting document", 60_000, () -> {
            try {
                flush(A1.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return state(a, waiting) == DeliveryState.AT_HUB;
        });
        // a box's document message that arrives after its deadline is refused; the same message again gets the same refusal
        String late = MessageIds.newId();
        KuraPayload stale = KuraPayload.builder().timestamp(1).metric(ExchangeWire.MESSAGE_ID, late)
                .metric(ExchangeWire.ISSUER, A1.toString()).metric(ExchangeWire.RECIPIENTS, B1.toString())
                .metric(ExchangeWire.URGENCY, "ROUTINE").metric(ExchangeWire.DEADLINE, hubNow.get() - 1000)
                .body("envelope".getBytes(StandardCharsets.UTF_8)).build();
        hub.onBoxMessage(A1.toString(), ExchangeWire.DOC, stale);
        hub.onBoxMessage(A1.toString(), ExchangeWire.DOC, stale);
        List<KuraPayload> notices = a.fromHub.stream().filter(o -> o.resource().equals(ExchangeWire.PUT_NOTICE))
                .map(BoxSender.Outgoing::payload).filter(p -> late.equals(p.stringMetric(ExchangeWire.MESSAGE_ID))).toList();
        assertEquals(2, notices.size());
        for (KuraPayload n : notices) {
            assertEquals("UNDELIVERABLE", n.stringMetric(ExchangeWire.KIND), "never 'at the hub' for a refused document");
            assertEquals("its deadline had passed when the hub received it", n.stringMetric(ExchangeWire.REASON));
        }
        assertEquals(0, count("SELECT COUNT(*) FROM exchange_delivery WHERE message_id = '" + late + "'"), "nothing delivered");
        // the same over the document server: the refusal is the upload's answer, every time, and no notice is kept for it
        String lateUpload = MessageIds.newId();
        KuraPayload staleUpload = KuraPayload.builder().timestamp(1).metric(ExchangeWire.MESSAGE_ID, lateUpload)
                .metric(ExchangeWire.ISSUER, A1.toString()).metric(ExchangeWire.RECIPIENTS, B1.toString())
                .metric(ExchangeWire.URGENCY, "ROUTINE").metric(ExchangeWire.DEADLINE, hubNow.get() - 1000)
                .body("envelope".getBytes(StandardCharsets.UTF_8)).build();
        for (int i = 0; i < 2; i++) {
            ExchangeHub.Upload answer = upload(A1.toString(), staleUpload);
            assertTrue(answer.answered());
            assertEquals("its deadline had passed when the hub received it", answer.refusal());
        }
        assertEquals(0, count("SELECT COUNT(*) FROM exchange_notice WHERE message_id = '" + lateUpload + "'"));
        // and an upload of the waiting document again is "at the hub" again, nothing stored twice
        assertNull(upload(A1.toString(), KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, waiting)
                .metric(ExchangeWire.ISSUER, A1.toString()).metric(ExchangeWire.RECIPIENTS, B1.toString()).body(new byte[] {1}).build()).refusal());
        assertEquals(1, count("SELECT COUNT(*) FROM exchange_delivery WHERE message_id = '" + waiting + "'"));

        Map<String, Object> summary = HubHandlers.summary(new HubQueries(hub.store()), 7);
        HubQueries.Waiting oldest = (HubQueries.Waiting) summary.get("oldest_waiting");
        assertNotNull(oldest);
        assertEquals(waiting, oldest.messageId());
        assertEquals(B1.toString(), oldest.recipient());
    }

    @Test
    void aBoxOfTheSameCountyCannotTakeAUnitOverWithTheCertificateTheDirectoryHandsOut() throws Exception {
        String rival = "130602-002"; // a box of A1's county, with a valid box certificate of its own
        byte[] published = certificateOnRecord(A1);
        long refusedBefore = hub.refused.sum();

        hub.onBoxMessage(rival, ExchangeWire.REGISTER, KuraPayload.builder().timestamp(1)
                .metric(ExchangeWire.UNIT, A1.toString()).body(published).build());

        assertEquals(A1.toString(), servingBox(A1), "A1's documents still go to A1's box");
        assertEquals(refusedBefore + 1, hub.refused.sum());
        Wire b = wires.get(B1.toString());
        String id = b.service.send(doc(B1, A1, "给A1", Duration.ofHours(1))).messageId();
        flushAll();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT box FROM exchange_delivery WHERE message_id = '" + id + "'")) {
            assertTrue(rs.next());
            assertEquals(A1.toString(), rs.getString(1));
        }

        // a new box for the unit enrols its own document keys, issued after those on record: the unit moves
        byte[] enrolledLater = pki.encryption(A1, Instant.now().minus(Duration.ofMinutes(1))).certificate().getEncoded();
        hub.onBoxMessage(rival, ExchangeWire.REGISTER, KuraPayload.builder().timestamp(1)
                .metric(ExchangeWire.UNIT, A1.toString()).body(enrolledLater).build());
        assertEquals(rival, servingBox(A1));
    }

    private byte[] certificateOnRecord(UnitCode unit) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT certificate FROM exchange_unit WHERE unit = '" + unit + "'")) {
            assertTrue(rs.next(), unit + " registered");
            return rs.getBytes(1);
        }
    }

    private String servingBox(UnitCode unit) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT box FROM exchange_unit WHERE unit = '" + unit + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Document doc(UnitCode from, UnitCode to, String title, Duration deadline) {
        Instant now = Instant.now();
        return new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕9号", title, from, List.of(to), Urgency.URGENT,
                Classification.NON_SECRET, now.plus(deadline), now), List.of(new Part("正文.ofd", "application/ofd",
                title.getBytes(StandardCharsets.UTF_8))));
    }

    private List<String> units(UnitCode box) {
        try {
            return wires.get(box.toString()).store.directoryUnits();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeliveryState state(Wire w, String id) {
        try {
            return w.store.state(id, B1.toString()).orElse(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String delivery(String id) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state FROM exchange_delivery WHERE message_id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
