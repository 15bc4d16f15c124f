package cn.egov.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReceiptsPayload;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.topic.KuraTopic;
import cn.egov.duty.lab.BackboneDoor;
import cn.egov.duty.lab.NamespacedSocketFactory;
import cn.egov.duty.store.DutyStore;
import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.transport.OutboxHubLink;
import cn.egov.lab.NetLab;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.EstTlsIdentity;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PlanUnitNames;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.manager.support.LabPasswords;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.TestAccounts;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import cn.egov.vpn.Backoff;
import cn.egov.vpn.TunnelStatus;
import cn.egov.vpn.TunnelWatcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency report overtakes every waiting message of every service when the backbone returns
 * (real documents of the exchange included), shown by the order the manager's broker received them,
 * over the real tunnel in network namespaces.
 *
 * <pre>
 *   box ns: eth1 10.6.8.1/25 (LAN)    eth0 192.0.2.1 ═══ ESP in UDP/4500 (strongSwan, provincial CA) ═══ wan0 192.0.2.2  hub ns
 *           MQTT socket bound to 10.6.8.1 ──▶ 10.200.0.1:8883 through ipsec0                      10.200.0.1 (lo): the manager's MQTT door
 *   test host: the manager (embedded Artemis with its TLS listener, ingest, exchange hub, duty office, REST) on loopback, behind
 *              the door; box B (unit 130602-002, its own outbox and exchange) on the manager's TLS listener directly
 * </pre>
 *
 * <p>Box A's Java code (outbox, Paho publisher, duty desk, deadline clock, document exchange, tunnel
 * watcher) runs in this JVM; its MQTT socket is made inside the box namespace
 * ({@link NamespacedSocketFactory}) and authenticates with a box certificate of the provincial CA.
 * Both boxes register their units' document keys (issued by the same CA) with the manager's exchange
 * hub. The backbone link is cut by taking box A's uplink down; the test waits until both ends gave
 * the old connection up (the box's keep-alive, the broker's last will), as after any real outage, so
 * nothing already on the wire can reach the broker late. During the outage box A's clerk sends
 * 1,000 documents to unit 130602-002 (signed, encrypted, stored, queued at the exchange's priority),
 * the box queues its health every second and a deadline warning of its own clock, and then the duty
 * officer files the 初报. When the uplink comes back, a NOC subscriber on the box's topics (the
 * broker's order, which the ingest and the exchange hub each receive in) gets the report first and
 * then the rest by priority then age; the manager's ingest hands its listeners the same order; every
 * document reaches box B once; the province acknowledges the report and the receipt returns through
 * the tunnel.
 */
class EmergencyReportPriorityNetnsTest {

    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final UnitCode RECIPIENT = UnitCode.parse("130602-002");
    private static final String LAN_NET = "10.6.8.0/25";
    private static final String BOX_LAN = "10.6.8.1";
    private static final String BACKBONE_NET = "10.200.0.0/16";
    private static final String DOOR = "10.200.0.1";
    private static final int DOOR_PORT = 8883;
    private static final String HUB_WAN = "192.0.2.2";
    private static final int DOCUMENTS = 1000;
    private static final DutyActor OFFICER = new DutyActor("duty-zhang", UNIT.toString(), true, false);
    private static final String NOC_USER = "noc-duty";
    private static final String NOC_PASSWORD = "noc-duty-test-password";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;

    static NetLab lab;
    static String box;
    static String hub;
    static BackboneTunnelLab tunnel;
    /** The lab's CA with the address plan, for the units' document keys. */
    static ProvincialCa documentCa;
    static ManagerAssembly manager;
    static BackboneDoor door;
    static TelemetryRuntime telemetry;
    static TelemetryRuntime telemetryB;
    static DutyStore store;
    static DutyDesk desk;
    static ExchangeService exchange;
    static ExchangeService exchangeB;
    static final List<ExchangeStore> exchangeStores = new ArrayList<>();
    static TunnelWatcher watcher;
    static ScheduledExecutorService watching;
    static MqttClient noc;
    /** What the manager's ingest handed its listeners from box A, in that order. */
    static final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    /** What the broker delivered to a NOC subscriber on box A's telemetry topics, in that order. */
    static final List<Arrival> brokerOrder = new CopyOnWriteArrayList<>();

    record Arrival(String what, long seq) {
    }

    @BeforeAll
    static void labTunnelManagerAndBoxes() throws Exception {
        lab = NetLab.create("duty");
        box = lab.host("box");
        hub = lab.host("hub");
        String lan = lab.host("lan");
        lab.link(box, "eth1", BOX_LAN + "/25", lan, "eth0", "10.6.8.5/25");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "wan0", HUB_WAN + "/24");
        lab.exec(hub, "ip", "addr", "add", DOOR + "/32", "dev", "lo");
        // no default route on the box: the backbone is reachable through the tunnel only
        tunnel = BackboneTunnelLab.start(lab, box, hub, tmp.resolve("tunnel"), UNIT, LAN_NET, BACKBONE_NET, HUB_WAN, List.of());

        Path managerDir = Files.createDirectories(tmp.resolve("manager"));
        Path trust = PemFiles.write(tmp.resolve("trust.pem"), tunnel.ca().issuingCertificate(), tunnel.ca().rootCertificate());
        Path nocUsers = tmp.resolve("noc.passwd");
        LabPasswords.add(nocUsers, NOC_USER, NOC_PASSWORD);
        ManagerConfig base = ManagerFixture.config(managerDir).with(ConfigKey.BROKER_TLS_PORT, 0)
                .with(ConfigKey.BROKER_TLS_IPS, DOOR + ",127.0.0.1").with(ConfigKey.BROKER_NOC_PORT, 0)
                .with(ConfigKey.BROKER_NOC_PASSWORD_FILE, nocUsers);
        Map<String, String> ext = new LinkedHashMap<>(base.extensions());
        ext.put("exchange.trust-file", trust.toString()); // the hub verifies the units' registrations against the provincial CA
        manager = ManagerAssembly.start(new ManagerConfig(base.source(), base.values(), ext),
                ManagerAssembly.Options.defaults().withTlsCa(tunnel.ca()));
        TestAccounts.add(manager.database(), "prov-duty", Role.DUTY_OFFICER);
        manager.context().listeners().add(m -> {
            if (m.unit().equals(UNIT) && !m.kind().isLifecycle()) {
                arrivals.add(new Arrival(m.topic().appId() + "/" + m.topic().resource(), m.id() == null ? -1 : m.id().sequence()));
            }
        });
        noc = nocSubscriber();
        door = new BackboneDoor(hub, DOOR, DOOR_PORT, URI.create(manager.brokerTlsUrl()).getPort());

        // keep-alive 10 s: the outage is noticed within 15 s; shorter ones timed out while the loaded lab drained the backlog
        MqttSettings mqtt = new MqttSettings("ssl://" + DOOR + ":" + DOOR_PORT, MqttSettings.DEFAULT_ACCOUNT, null, null,
                Duration.ofMillis(200), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, Duration.ofSeconds(10), null);
        NamespacedSocketFactory sockets = new NamespacedSocketFactory(boxTls(UNIT).getSocketFactory(), box, BOX_LAN);
        telemetry = TelemetryRuntime.start(new BoxIdentity(UNIT, "SN-DUTY-1", "竞秀区水利局"),
                new TelemetrySettings(mqtt.withTls(() -> sockets), OutboxSettings.of(tmp.resolve("outbox.db"), 20_000), Duration.ofSeconds(1)),
                "none");
        store = new DutyStore(tmp.resolve("duty.db"));
        desk = new DutyDesk(UNIT, store, new DutySettings(tmp.resolve("duty.db"), DeadlineRules.DEFAULT, Duration.ofMinutes(5),
                Duration.ofSeconds(15), Set.of(), 31), telemetry.publisher(), Clock.systemUTC());
        telemetry.mqtt().subscribe(DutyTopics.APP, DutyTopics.RECEIPTS,
                (topic, payload) -> desk.onReceipts(ReceiptsPayload.decode(decode(payload))));
        // the units' document keys come from the same CA, opened with the province's address plan (it issues only to planned units)
        documentCa = ProvincialCa.open(tmp.resolve("tunnel").resolve("ca"), "lab passphrase".toCharArray(), CaSettings.defaults("http://127.0.0.1:9"),
                PlanUnitNames.of(PlanParser.forHebei().parse(Path.of("../../rules/plan")).plan()));
        exchange = exchange(telemetry, UNIT, tmp.resolve("exchange-a.db"));

        // box B, the recipient's: straight on the manager's TLS listener (only box A's backbone link is cut)
        SSLContext tlsB = boxTls(RECIPIENT);
        telemetryB = TelemetryRuntime.start(new BoxIdentity(RECIPIENT, "SN-DUTY-2", "竞秀区应急管理局"),
                new TelemetrySettings(new MqttSettings(manager.brokerTlsUrl(), MqttSettings.DEFAULT_ACCOUNT, null, null,
                        Duration.ofMillis(200), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, Duration.ofSeconds(10), null)
                        .withTls(tlsB::getSocketFactory), OutboxSettings.of(tmp.resolve("outbox-b.db"), 20_000), Duration.ofSeconds(60)), "none");
        exchangeB = exchange(telemetryB, RECIPIENT, tmp.resolve("exchange-b.db"));

        watcher = new TunnelWatcher(tunnel.boxCharon().control(), tunnel.spec().name(), HUB_WAN, telemetry.publisher(),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)), Duration.ofSeconds(60), Clock.systemUTC());
        watching = Executors.newSingleThreadScheduledExecutor();
        watching.scheduleWithFixedDelay(() -> {
            try {
                watcher.poll();
            } catch (RuntimeException e) {
                // the next poll tries again
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
    }

    /** A box certificate of the provincial CA for {@code unit}, and trust in that CA only. */
    private static SSLContext boxTls(UnitCode unit) throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = tunnel.ca().issueBox(k.getPublic(), unit, null);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("box", k.getPrivate(), "box".toCharArray(), new X509Certificate[]{cert, tunnel.ca().issuingCertificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "box".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trustTheCa().getTrustManagers(), null);
        return ctx;
    }

    private static TrustManagerFactory trustTheCa() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(EstTlsIdentity.trustStore(tunnel.ca()));
        return tmf;
    }

    /**
     * A box's document exchange as the exchange component wires it: its unit's signing and encryption keys
     * (issued by the provincial CA), its store, the box's outbox as the link to the hub, the hub's control
     * topics, and the unit registered with the hub.
     */
    private static ExchangeService exchange(TelemetryRuntime t, UnitCode unit, Path db) throws Exception {
        KeyPair signing = KeyPairs.p256();
        KeyPair encryption = KeyPairs.p256();
        LocalUnit keys = new LocalUnit(unit,
                new SigningKey(signing.getPrivate(), List.of(documentCa.issueSigning(signing.getPublic(), unit), tunnel.ca().issuingCertificate())),
                new DecryptionKey(encryption.getPrivate(), documentCa.issueEncryption(encryption.getPublic(), unit)));
        ExchangeStore s = ExchangeStore.open(db);
        exchangeStores.add(s);
        ExchangeService svc = new ExchangeService(unit.toString(), new ExchangeSettings(20L * 1024 * 1024, Duration.ofDays(30), 2000,
                Duration.ofSeconds(30), Duration.ofDays(3)), s, List.of(keys),
                new TrustAnchors(List.of(tunnel.ca().rootCertificate()), List.of(tunnel.ca().issuingCertificate()), Clock.systemUTC()),
                new OutboxHubLink(t.publisher()), Clock.systemUTC()).start();
        for (String resource : List.of(ExchangeWire.PUT_DOC, ExchangeWire.PUT_NOTICE, ExchangeWire.PUT_DIRECTORY)) {
            t.mqtt().subscribe(ExchangeWire.APP_ID, resource, (topic, payload) -> svc.onHubMessage(resource, payload));
        }
        svc.register();
        return svc;
    }

    /** A NOC operator's read-only subscription to box A's telemetry: the order the broker received it in. */
    private static MqttClient nocSubscriber() throws Exception {
        MqttClient c = new MqttClient(manager.brokerNocUrl(), "noc-duty-order", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setUserName(NOC_USER);
        o.setPassword(NOC_PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trustTheCa().getTrustManagers(), null);
        o.setSocketFactory(ctx.getSocketFactory());
        o.setMaxInflight(1000);
        c.connect(o);
        c.subscribe(MqttSettings.DEFAULT_ACCOUNT + "/" + UNIT + "/#", 1, (topic, message) -> {
            KuraTopic t = KuraTopic.parse(topic).orElseThrow();
            Object seq = decode(message.getPayload()).metric(MessageId.SEQUENCE_METRIC);
            brokerOrder.add(new Arrival(t.appId() + "/" + t.resource(), seq instanceof Number n ? n.longValue() : -1));
        });
        return c;
    }

    @AfterAll
    static void tearDown() throws Exception {
        List<Exception> failures = new ArrayList<>();
        if (watching != null) {
            watching.shutdownNow();
        }
        if (noc != null && noc.isConnected()) {
            noc.disconnectForcibly(1000);
        }
        List<AutoCloseable> all = new ArrayList<>();
        all.add(exchange);
        all.add(exchangeB);
        all.addAll(exchangeStores);
        all.addAll(java.util.Arrays.asList(telemetry, telemetryB, store, door, manager, documentCa, tunnel, lab));
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    @Test
    void theReportFiledDuringTheOutageIsTheFirstMessageWhenTheLinkReturns() throws Exception {
        Poll.until("the tunnel up", 60_000, () -> watcher.status().up());
        Poll.until("the box connected through the tunnel", 60_000, telemetry.mqtt()::isConnected);
        Poll.until("the box CONNECTED at the manager", 60_000,
                () -> manager.fleet().get(UNIT.toString()).map(b -> b.status() == BoxStatus.CONNECTED).orElse(false));
        Poll.until("box A knows the recipient's encryption certificate from the hub's directory", 60_000,
                () -> unchecked(() -> exchange.store().directory(RECIPIENT.toString()).isPresent()));
        // an event reported to the duty officer 11 minutes after it happened: its phone deadline (15 min) is 4 minutes away
        Incident event = desk.register(new IncidentDraft("某化工厂储罐爆炸", ReportLevel.MAJOR, EventCategory.ACCIDENT, ReportStatus.ACTUAL,
                Instant.now().minus(Duration.ofMinutes(11))), OFFICER);

        // --- the backbone link goes down
        lab.exec(box, "ip", "link", "set", "eth0", "down");
        // what is queued from here on cannot leave before the link returns: the outage's backlog lies between this marker
        // and the one at the end (both LOWEST: they go last, and are left out of the checks)
        MessageId outage = telemetry.outbox().enqueue(KuraTopic.telemetry(MqttSettings.DEFAULT_ACCOUNT, UNIT.toString(), "MARK", "cut")
                .toString(), KuraPayload.builder().build(), Priority.LOWEST);
        Poll.until("the box sees the link down", 60_000, () -> !telemetry.mqtt().isConnected());
        Poll.until("the manager gives the old connection up (last will)", 60_000,
                () -> manager.fleet().get(UNIT.toString()).map(b -> b.status() == BoxStatus.DISCONNECTED).orElse(false));

        // the clerk's documents: signed, encrypted, stored and queued for the hub
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            Instant now = Instant.now();
            sent.add(exchange.send(new Document(new DocumentMeta(MessageIds.newId(), "竞水发〔2026〕" + (i + 1) + "号", "防汛工作通知 " + i, UNIT,
                    List.of(RECIPIENT), Urgency.ROUTINE, Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now),
                    List.of(new Part("正文.txt", "text/plain", ("各单位：请做好防汛准备。" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)))))
                    .messageId());
        }
        // the box's own deadline clock warns while the box is offline; the warning is queued
        DeadlineWatch clock = new DeadlineWatch(desk, telemetry.publisher(), Clock.systemUTC());
        assertEquals(1, clock.check(), "the phone deadline warning, raised on the box");
        // the duty officer files the written 初报 during the outage
        FiledReport report = desk.file(event.key(), new ReportDraft(ReportKind.INITIAL, null, ReportLevel.MAJOR, "", "竞秀区朝阳南大街12号",
                "储罐区发生爆炸,引发火灾,现场已疏散。", "消防到场处置", new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567"), OFFICER);
        assertTrue(report.queued());
        Thread.sleep(2_000); // health keeps coming, every second
        // everything queued so far has a lower sequence number than this marker (it goes last: lowest priority)
        MessageId marker = telemetry.outbox().enqueue(KuraTopic.telemetry(MqttSettings.DEFAULT_ACCOUNT, UNIT.toString(), "MARK", "restore")
                .toString(), KuraPayload.builder().build(), Priority.LOWEST);
        long waiting = telemetry.outbox().depth();
        assertTrue(waiting >= DOCUMENTS + 3, "the backlog waits in the outbox: " + waiting);
        TunnelStatus before = watcher.poll();

        // --- the link returns
        lab.exec(box, "ip", "link", "set", "eth0", "up");
        Poll.until("the backlog delivered", 300_000, () -> telemetry.outbox().depth() == 0
                && brokerOrder.stream().anyMatch(a -> a.what().equals("MARK/restore")));
        TunnelStatus after = watcher.poll();
        assertTrue(after.packetsOut() > before.packetsOut() + DOCUMENTS / 10,
                "the backlog went through the tunnel's CHILD SA: " + before + " -> " + after);

        // the broker's order of what was queued during the outage (the tunnel's own messages share one topic at two priorities)
        // QoS 1 is at least once: after a reconnect during the drain the box sends again what was not acknowledged, so each
        // message counts where it first arrived (the hub and ingest drop the second copy by its message id)
        List<Arrival> atBroker = firstArrivals(brokerOrder, outage, marker);
        System.out.println("broker order of the " + atBroker.size() + " messages queued during the outage: " + head(atBroker) + " …");
        assertEquals("DUTY/report", atBroker.get(0).what(), "the emergency report is the first message of any service: " + head(atBroker));
        assertEquals(DOCUMENTS, atBroker.stream().filter(a -> a.what().equals("EXCHANGE/" + ExchangeWire.DOC)).count(),
                "every document arrived");
        List<Arrival> ordered = atBroker.stream().filter(a -> !a.what().startsWith("VPN/")).toList();
        List<Arrival> byPriority = new ArrayList<>(ordered);
        byPriority.sort(Comparator.comparingInt(EmergencyReportPriorityNetnsTest::priority).thenComparingLong(Arrival::seq));
        assertEquals(byPriority, ordered, "the whole backlog by priority, then age, at the broker");
        assertTrue(ordered.stream().filter(a -> a.what().equals("HEALTH/status")).count() >= 3, "health accumulated during the outage");

        // the manager's ingest hands its listeners the same order (exchange messages go to the hub's own subscription instead)
        List<Arrival> ingested = firstArrivals(arrivals, outage, marker).stream().filter(a -> !a.what().startsWith("VPN/")).toList();
        assertEquals(ordered.stream().filter(a -> !a.what().startsWith(ExchangeWire.APP_ID + "/")).toList(), ingested,
                "the ingest keeps the broker's order");

        // every document reaches box B once, through the hub
        Poll.until("every document in box B's inbox", 300_000,
                () -> unchecked(() -> exchangeB.store().inbox(List.of(RECIPIENT.toString()), null, DOCUMENTS + 10).size()) == DOCUMENTS);
        assertEquals(DOCUMENTS, sent.stream().distinct().count());

        // the duty office has the report; the province acknowledges; the receipt returns to the box through the tunnel
        String id = report.report().id();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + "/api/duty/reports/" + id + "/ack"))
                .header("Authorization", TestAccounts.basic("prov-duty")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ack.statusCode(), ack.body());
        Poll.until("the receipt back on the box", 60_000,
                () -> desk.report(id).map(f -> f.receipt() != null && f.receipt().acknowledged()).orElse(false));
        assertEquals("prov-duty", desk.report(id).orElseThrow().receipt().acknowledgedBy());
    }

    /** The priority each message was queued at, from its topic. */
    private static int priority(Arrival a) {
        if (a.what().equals("DUTY/report")) {
            return Priority.CRITICAL;
        }
        if (a.what().startsWith(Alarm.APP_ID + "/") || a.what().startsWith(ExchangeWire.APP_ID + "/")) {
            return Priority.ALARM; // the exchange's priority (ExchangeService.PRIORITY): documents are never evicted
        }
        if (a.what().equals("DUTY/roster")) {
            return Priority.STATE;
        }
        if (a.what().equals("HEALTH/status")) {
            return Priority.HEALTH;
        }
        throw new AssertionError("unexpected message " + a);
    }

    /** Messages queued between the two markers, each where it first arrived. */
    private static List<Arrival> firstArrivals(List<Arrival> all, MessageId from, MessageId to) {
        Set<Long> seen = new java.util.HashSet<>();
        List<Arrival> out = all.stream().filter(a -> a.seq() > from.sequence() && a.seq() < to.sequence() && seen.add(a.seq())).toList();
        long copies = all.stream().filter(a -> a.seq() > from.sequence() && a.seq() < to.sequence()).count() - out.size();
        if (copies > 0) {
            System.out.println(copies + " message(s) arrived twice (sent again after a reconnect)");
        }
        return out;
    }

    private static String head(List<Arrival> l) {
        return l.subList(0, Math.min(12, l.size())).toString();
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KuraPayload decode(byte[] b) {
        try {
            return KuraPayloadCodec.decode(b);
        } catch (cn.egov.api.payload.PayloadFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
