package cn.egov.exchange.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.PartDigest;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.store.InboxState;
import cn.egov.exchange.store.OutgoingRecord;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The box's exchange with two boxes behind a stand-in hub ({@link LoopbackHub}) and real SQLite stores. */
class ExchangeServiceTest {

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode A2 = UnitCode.parse("130602-002");
    static final UnitCode B1 = UnitCode.parse("130606-001");
    static TestPki pki;
    static List<LocalUnit> unitsA;
    static List<LocalUnit> unitsB;

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.now());
    LoopbackHub hub;
    ExchangeService a;
    ExchangeService b;
    final List<ExchangeStore> stores = new ArrayList<>();

    @BeforeAll
    static void keys() throws Exception {
        pki = new TestPki("Hebei test CA");
        unitsA = List.of(new LocalUnit(A1, pki.signing(A1), pki.encryption(A1)), new LocalUnit(A2, pki.sm2Signing(A2), pki.encryption(A2)));
        unitsB = List.of(new LocalUnit(B1, pki.signing(B1), pki.encryption(B1)));
    }

    @BeforeEach
    void boxes() throws Exception {
        hub = new LoopbackHub();
        a = box("130602-001", unitsA, "a.db");
        b = box("130606-001", unitsB, "b.db");
        a.register();
        b.register();
        a.handle(ExchangeWire.PUT_DIRECTORY, hub.directory());
        b.handle(ExchangeWire.PUT_DIRECTORY, hub.directory());
    }

    ExchangeService box(String id, List<LocalUnit> units, String db) throws Exception {
        ExchangeStore s = ExchangeStore.open(dir.resolve(db));
        stores.add(s);
        ExchangeService svc = new ExchangeService(id, new ExchangeSettings(100_000, Duration.ofDays(30), 10, Duration.ofSeconds(1),
                Duration.ofDays(3)), s, units, new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), clock), hub.linkFor(id), clock);
        hub.boxes.put(id, svc);
        return svc;
    }

    @AfterEach
    void close() throws Exception {
        for (ExchangeStore s : stores) {
            s.close();
        }
    }

    Document doc(UnitCode from, List<UnitCode> to, String title) {
        return doc(MessageIds.newId(), from, to, title, "正文".getBytes(StandardCharsets.UTF_8));
    }

    Document doc(String id, UnitCode from, List<UnitCode> to, String title, byte[] body) {
        Instant now = clock.instant();
        return new Document(new DocumentMeta(id, "保水发〔2026〕1号", title, from, to, Urgency.ROUTINE, Classification.NON_SECRET,
                now.plus(Duration.ofDays(1)), now), List.of(new Part("正文.ofd", "application/ofd", body)));
    }

    DeliveryState state(ExchangeService box, String id, UnitCode r) throws Exception {
        return box.store().state(id, r.toString()).orElseThrow();
    }

    @Test
    void sameBoxRecipientGetsItAtOnceWhileTheBackboneIsDown() throws Exception {
        hub.down = true;
        OutgoingRecord r = a.send(doc(A1, List.of(A2, B1), "本地"));
        assertEquals(DeliveryState.RECEIVED, r.recipients().get(A2.toString()).state());
        assertTrue(r.recipients().get(A2.toString()).hasReceipt());
        assertEquals(DeliveryState.QUEUED, r.recipients().get(B1.toString()).state());
        assertEquals(InboxState.RECEIVED, a.store().incoming(r.messageId(), A2.toString()).orElseThrow().state());
        assertEquals("本地", a.store().inbox(List.of(A2.toString()), null, 10).get(0).title());
        hub.down = false;
        hub.drain();
        assertEquals(DeliveryState.RECEIVED, state(a, r.messageId(), B1));
        assertArrayEquals("正文".getBytes(StandardCharsets.UTF_8), b.store().parts(r.messageId(), B1.toString()).get(0).content());
    }

    @Test
    void senderSeesQueuedAtHubDeliveredReceived() throws Exception {
        hub.down = true;
        String id = a.send(doc(A1, List.of(B1), "远程")).messageId();
        assertEquals(DeliveryState.QUEUED, state(a, id, B1));
        // hub takes it but the recipient box is still unreachable
        LoopbackHub.Sent docMsg = hub.waiting.remove(hub.waiting.size() - 1);
        hub.notice("130602-001", "AT_HUB", id, null, null, null);
        assertEquals(DeliveryState.AT_HUB, state(a, id, B1));
        hub.waiting.add(docMsg);
        hub.down = false;
        hub.drain();
        assertEquals(DeliveryState.RECEIVED, state(a, id, B1));
        Receipt receipt = Receipt.verify(a.store().receipt(id, B1.toString()).orElseThrow(),
                new cn.egov.exchange.cms.CmsVerifier(new TrustAnchors(List.of(pki.root), clock)));
        assertEquals(B1, receipt.recipient());
        assertEquals(a.store().outgoing(id).orElseThrow().digests(), receipt.parts());
    }

    @Test
    void badInputIsRefusedAndNothingIsStored() throws Exception {
        assertEquals("recipients[0]", assertThrows(DocumentRefused.class,
                () -> a.send(doc(A1, List.of(UnitCode.parse("139999-001")), "x"))).field());
        assertEquals("files", assertThrows(DocumentRefused.class,
                () -> a.send(doc(MessageIds.newId(), A1, List.of(B1), "big", new byte[100_001]))).field());
        assertEquals("issuer", assertThrows(DocumentRefused.class, () -> a.send(doc(B1, List.of(A1), "not ours"))).field());
        assertTrue(a.store().outbox(List.of(A1.toString(), A2.toString(), B1.toString()), null, 100).isEmpty());
        assertEquals(0, hub.count(ExchangeWire.DOC));
    }

    @Test
    void applicationResendKeepsTheIdAndSendsNothingNew() throws Exception {
        Document d = doc(A1, List.of(B1), "重发");
        a.send(d);
        OutgoingRecord again = a.send(d);
        assertEquals(DeliveryState.RECEIVED, again.recipients().get(B1.toString()).state());
        assertEquals(1, hub.count(ExchangeWire.DOC));
        assertEquals(1, a.metrics().resends.sum());
        Document other = doc(d.meta().messageId(), A1, List.of(B1), "另一个", new byte[] {1});
        assertEquals("message id", assertThrows(DocumentRefused.class, () -> a.send(other)).field());
    }

    @Test
    void duplicateDeliveryIsStoredOnceAndReceiptedAgain() throws Exception {
        String id = a.send(doc(A1, List.of(B1), "重复")).messageId();
        LoopbackHub.Sent docMsg = hub.log.stream().filter(s -> s.resource().equals(ExchangeWire.DOC)).findFirst().orElseThrow();
        KuraPayload again = KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, id).metric(ExchangeWire.ISSUER, A1.toString())
                .metric(ExchangeWire.RECIPIENTS, B1.toString()).body(docMsg.payload().body()).build();
        b.handle(ExchangeWire.PUT_DOC, again);
        assertEquals(1, b.store().inbox(List.of(B1.toString()), null, 10).size());
        assertEquals(1, b.metrics().received.sum());
        assertEquals(1, b.metrics().duplicates.sum());
        assertEquals(2, hub.count(ExchangeWire.RECEIPT));
        // the same receipt again at the sender: a harmless duplicate, no alarm, nothing changes
        assertEquals(1, a.metrics().receiptsAccepted.sum());
        assertEquals(0, a.metrics().receiptsRefused.sum());
        assertEquals(1, a.metrics().duplicateNotices.sum());
        assertTrue(hub.alarms.isEmpty());
        // another receipt for the receipted document (signed anew by the right unit): a replay, refused
        byte[] another = new Receipt(id, A1, B1, clock.instant(), a.store().outgoing(id).orElseThrow().digests()).sign(unitsB.get(0).signing());
        byte[] recorded = a.store().receipt(id, B1.toString()).orElseThrow();
        hub.notice("130602-001", "RECEIPT", id, B1.toString(), null, another);
        assertEquals(1, a.metrics().receiptsRefused.sum());
        assertArrayEquals(recorded, a.store().receipt(id, B1.toString()).orElseThrow());
    }

    @Test
    void duplicateOfAFailedDocumentGetsTheErrorAgainNotAReceipt() throws Exception {
        String id = MessageIds.newId();
        KuraPayload garbage = KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, id).metric(ExchangeWire.ISSUER, A1.toString())
                .metric(ExchangeWire.RECIPIENTS, B1.toString()).body(new byte[] {0x30, 0x03, 1, 2, 3}).build();
        b.handle(ExchangeWire.PUT_DOC, garbage);
        b.handle(ExchangeWire.PUT_DOC, garbage);
        assertEquals(0, hub.count(ExchangeWire.RECEIPT));
        assertEquals(2, hub.count(ExchangeWire.FAILED));
        assertTrue(hub.log.stream().filter(s -> s.resource().equals(ExchangeWire.FAILED))
                .allMatch(s -> s.payload().stringMetric(ExchangeWire.REASON).contains("damaged or truncated")));
        assertEquals(InboxState.FAILED, b.store().incoming(id, B1.toString()).orElseThrow().state());
    }

    @Test
    void forgedOrReplayedReceiptChangesNothing() throws Exception {
        hub.down = true;
        OutgoingRecord sent = a.send(doc(A1, List.of(B1), "伪造"));
        String id = sent.messageId();
        List<PartDigest> digests = sent.digests();
        // signed by another unit than the recipient it names
        byte[] wrongSigner = new Receipt(id, A1, B1, clock.instant(), digests).sign(pki.signing(A2));
        hub.notice("130602-001", "RECEIPT", id, B1.toString(), null, wrongSigner);
        // by the right unit, but with other digests
        byte[] wrongDigests = new Receipt(id, A1, B1, clock.instant(), List.of(new PartDigest("正文.ofd", 1, "SHA-256", "00")))
                .sign(unitsB.get(0).signing());
        hub.notice("130602-001", "RECEIPT", id, B1.toString(), null, wrongDigests);
        // a genuine receipt of another message, replayed for this one
        byte[] other = new Receipt(MessageIds.newId(), A1, B1, clock.instant(), digests).sign(unitsB.get(0).signing());
        hub.notice("130602-001", "RECEIPT", id, B1.toString(), null, other);
        // from a CA that is not the province's
        byte[] rogue = new Receipt(id, A1, B1, clock.instant(), digests).sign(new TestPki("rogue").signing(B1));
        hub.notice("130602-001", "RECEIPT", id, B1.toString(), null, rogue);
        assertEquals(DeliveryState.QUEUED, state(a, id, B1));
        assertTrue(a.store().receipt(id, B1.toString()).isEmpty());
        assertEquals(4, a.metrics().receiptsRefused.sum());
        assertEquals(4, hub.alarms.size());
    }

    @Test
    void deadlineMakesItUndeliverableAndALateReceiptStillCompletesIt() throws Exception {
        hub.down = true;
        String id = a.send(doc(A1, List.of(B1), "迟到")).messageId();
        clock.advance(Duration.ofDays(2));
        a.tick();
        OutgoingRecord r = a.store().outgoing(id).orElseThrow();
        assertEquals(DeliveryState.UNDELIVERABLE, r.recipients().get(B1.toString()).state());
        assertTrue(r.recipients().get(B1.toString()).reason().contains("deadline"));
        hub.down = false;
        hub.drain();
        assertEquals(DeliveryState.RECEIVED, state(a, id, B1));
    }

    @Test
    void duplicateStoreAndOutgoingStateSurviveARestart() throws Exception {
        String id = a.send(doc(A1, List.of(B1), "重启")).messageId();
        LoopbackHub.Sent docMsg = hub.log.stream().filter(s -> s.resource().equals(ExchangeWire.DOC)).findFirst().orElseThrow();
        b.close();
        stores.get(1).close();
        ExchangeService b2 = box("130606-001", unitsB, "b.db");
        b2.handle(ExchangeWire.PUT_DOC, KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, id).metric(ExchangeWire.ISSUER, A1.toString())
                .metric(ExchangeWire.RECIPIENTS, B1.toString()).body(docMsg.payload().body()).build());
        assertEquals(0, b2.metrics().received.sum());
        assertEquals(1, b2.metrics().duplicates.sum());
        assertEquals(1, b2.store().inbox(List.of(B1.toString()), "重启", 10).size());
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

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
            return now;
        }
    }

    static Map<String, String> unused() {
        return Map.of();
    }
}
