package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.exchange.store.OutgoingRecord;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.FreePort;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.TlsBox;
import cn.egov.rules.unit.UnitCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Box → hub → box: two boxes with the real telemetry stack (durable outbox, Paho, control channel),
 * exchange service and HTTPS transfer with box certificates of the provincial CA, the real manager
 * with its embedded Artemis, the exchange hub and its document server. Documents are sent while the
 * sender's backbone is down; when it returns each is uploaded, fetched and delivered exactly once
 * and receipted (documents over HTTPS, notices and receipts over MQTT), and the NOC summary shows them.
 */
class ExchangeHubEndToEndTest {

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode A2 = UnitCode.parse("130602-002");
    static final UnitCode B1 = UnitCode.parse("130606-001");
    static final int BACKLOG = 200;

    @TempDir
    Path dir;

    @Test
    void documentsSentWhileTheBackboneIsDownArriveOnceWithReceipts() throws Exception {
        TestPki pki = new TestPki("Hebei test CA");
        Path trust = dir.resolve("trust.pem");
        TestPki.pem(trust, pki.root, pki.issuing, pki.sm2Ca);
        int port = FreePort.on("127.0.0.1");
        ManagerConfig config = withHub(ManagerFixture.config(dir.resolve("manager")), trust, port);
        TrustAnchors anchors = new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), Clock.systemUTC());
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "lab".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(ca));
             ExchangeBox a = new ExchangeBox("130602-001", dir.resolve("a"), List.of(
                     new LocalUnit(A1, pki.signing(A1), pki.encryption(A1)), new LocalUnit(A2, pki.sm2Signing(A2), pki.encryption(A2))),
                     anchors, manager.brokerUrl(), ManagerFixture.labPassword(manager, "130602-001"), hubUrl(port),
                     TlsBox.issueContext(ca, "130602-001"));
             ExchangeBox b = new ExchangeBox("130606-001", dir.resolve("b"), List.of(
                     new LocalUnit(B1, pki.sm2Signing(B1), pki.encryption(B1))), anchors, manager.brokerUrl(),
                     ManagerFixture.labPassword(manager, "130606-001"), hubUrl(port), TlsBox.issueContext(ca, "130606-001"))) {
            a.service.register();
            b.service.register();
            Poll.until("box A knows unit " + B1 + " from the hub's directory", 20_000,
                    () -> units(a).contains(B1.toString()));
            Poll.until("box B knows unit " + A1, 20_000, () -> units(b).contains(A1.toString()));

            // one document online, to every kind of recipient: same box (A2) and over the hub (B1)
            String first = a.service.send(doc(A1, List.of(A2, B1), "在线", 1000)).messageId();
            Poll.until("first document receipted by " + B1, 30_000, () -> state(a, first, B1) == DeliveryState.RECEIVED);
            assertEquals(DeliveryState.RECEIVED, state(a, first, A2));

            // the backbone goes down at box A; the clerk keeps sending
            a.disconnect();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                OutgoingRecord r = a.service.send(doc(i % 2 == 0 ? A1 : A2, List.of(B1), "离线 " + i, 2000 + i));
                assertEquals(DeliveryState.QUEUED, r.recipients().get(B1.toString()).state());
                ids.add(r.messageId());
            }
            // an application resend during the outage keeps its id and adds nothing
            assertEquals(ids.get(0), a.service.send(sameAs(a, ids.get(0))).messageId());
            a.connect(manager.brokerUrl());
            Poll.until(BACKLOG + " documents receipted", 180_000, () -> ids.stream().allMatch(id -> state(a, id, B1) == DeliveryState.RECEIVED));

            assertEquals(BACKLOG + 1, b.store.inbox(List.of(B1.toString()), null, 10_000).size(), "each document once in B1's inbox");
            assertEquals(BACKLOG + 1, b.service.metrics().received.sum());
            assertEquals(BACKLOG + 1, count(manager, "SELECT COUNT(*) FROM exchange_doc"));
            assertEquals(BACKLOG + 1, count(manager, "SELECT COUNT(*) FROM exchange_delivery WHERE state = 'RECEIVED'"));
            assertEquals(0, count(manager, "SELECT COUNT(*) FROM exchange_doc WHERE envelope IS NOT NULL"),
                    "the hub drops an envelope once every recipient is final");
            // every document went up and down over HTTPS, none through the broker
            assertEquals((long) BACKLOG + 1, manager.meters().snapshot().get("exchange.uploads"));
            assertEquals((long) BACKLOG + 1, manager.meters().snapshot().get("exchange.fetches"));
            Poll.until("every notice acknowledged", 30_000, () -> count(manager, "SELECT COUNT(*) FROM exchange_notice") == 0);

            HttpResponse<String> summary = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(manager.webUrl() + "/api/exchange/summary?days=1")).header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(("noc:" + ManagerFixture.NOC_TOKEN).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, summary.statusCode(), summary.body());
            assertTrue(summary.body().contains("\"county\":\"130606\"") && summary.body().contains("\"received\":" + (BACKLOG + 1)),
                    summary.body());
            // the NOC's page: volumes per city and county by name, nothing undelivered or waiting
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(manager.webUrl() + "/exchange?days=1")).header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(("noc:" + ManagerFixture.NOC_TOKEN).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains("保定市") && page.body().contains("130602 竞秀区") && page.body().contains("130606 莲池区")
                    && page.body().contains("RECEIVED: <b>" + (BACKLOG + 1) + "</b>") && page.body().contains("PENDING: <b>0</b>")
                    && page.body().contains("id=\"volumes\"") && page.body().contains("id=\"no-waiting\""), page.body());
        }
    }

    /** The manager's configuration with the hub's trust anchors and its document server on {@code port}. */
    static ManagerConfig withHub(ManagerConfig base, Path trust, int port) {
        Map<String, String> ext = new HashMap<>(base.extensions());
        ext.put(ExchangeConfigKey.TRUST_FILE.key(), trust.toString());
        ext.put(ExchangeConfigKey.PORT.key(), Integer.toString(port));
        return new ManagerConfig(base.source(), base.values(), ext);
    }

    static URI hubUrl(int port) {
        return URI.create("https://127.0.0.1:" + port);
    }

    private static Document sameAs(ExchangeBox a, String id) {
        return SENT.get(id);
    }

    static final Map<String, Document> SENT = new HashMap<>();

    static Document doc(UnitCode from, List<UnitCode> to, String title, int seed) {
        byte[] body = new byte[4096];
        new Random(seed).nextBytes(body);
        Instant now = Instant.now();
        Document d = new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕" + seed + "号", title, from, to, Urgency.URGENT,
                Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now), List.of(new Part("正文.pdf", "application/pdf", body)));
        SENT.put(d.meta().messageId(), d);
        return d;
    }

    static DeliveryState state(ExchangeBox box, String id, UnitCode r) {
        try {
            return box.store.state(id, r.toString()).orElse(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> units(ExchangeBox box) {
        try {
            return box.store.directoryUnits();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(ManagerAssembly m, String sql) {
        try (Connection c = m.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
