package cn.egov.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
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
import cn.egov.lab.NetLab;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.EstTlsIdentity;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.TestAccounts;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency report overtakes every waiting message when the backbone returns, shown by the
 * manager's arrival order, over the real tunnel in network namespaces.
 *
 * <pre>
 *   box ns: eth1 10.6.8.1/25 (LAN)    eth0 192.0.2.1 ═══ ESP in UDP/4500 (strongSwan, provincial CA) ═══ wan0 192.0.2.2  hub ns
 *           MQTT socket bound to 10.6.8.1 ──▶ 10.200.0.1:8883 through ipsec0                      10.200.0.1 (lo): the manager's MQTT door
 *   test host: the manager (embedded Artemis with its TLS listener, ingest, duty office, REST) on loopback, behind the door
 * </pre>
 *
 * <p>The box's Java code (outbox, Paho publisher, duty desk, deadline clock, tunnel watcher) runs in
 * this JVM; its MQTT socket is made inside the box namespace ({@link NamespacedSocketFactory}) and
 * authenticates with a box certificate of the provincial CA. The backbone link is cut by taking the
 * box's uplink down; the test waits until both ends gave the old connection up (the box's
 * keep-alive, the broker's last will), as after any real outage, so nothing already on the wire can
 * reach the broker late. During the outage the box queues 1,000 bulk messages (standing in for
 * documents, which travel at {@link Priority#BULK}), its health every second, a deadline warning of
 * its own clock, and then the duty officer's 初报. When the uplink comes back the manager's ingest
 * (the order its listeners see, after the broker and the store) gets the report first, then the
 * rest by priority then age; the province acknowledges and the receipt returns through the tunnel.
 */
class EmergencyReportPriorityNetnsTest {

    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final String LAN_NET = "10.6.8.0/25";
    private static final String BOX_LAN = "10.6.8.1";
    private static final String BACKBONE_NET = "10.200.0.0/16";
    private static final String DOOR = "10.200.0.1";
    private static final int DOOR_PORT = 8883;
    private static final String HUB_WAN = "192.0.2.2";
    private static final int DOCUMENTS = 1000;
    private static final DutyActor OFFICER = new DutyActor("duty-zhang", UNIT.toString(), true, false);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;

    static NetLab lab;
    static String box;
    static String hub;
    static BackboneTunnelLab tunnel;
    static ManagerAssembly manager;
    static BackboneDoor door;
    static TelemetryRuntime telemetry;
    static DutyStore store;
    static DutyDesk desk;
    static TunnelWatcher watcher;
    static ScheduledExecutorService watching;
    /** What the manager's ingest handed its listeners from the box, in that order. */
    static final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

    record Arrival(IngestKind kind, String what, long seq) {
    }

    @BeforeAll
    static void labTunnelManagerAndBox() throws Exception {
        lab = NetLab.create("duty");
        box = lab.host("box");
        hub = lab.host("hub");
        String lan = lab.host("lan");
        lab.link(box, "eth1", BOX_LAN + "/25", lan, "eth0", "10.6.8.5/25");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "wan0", HUB_WAN + "/24");
        lab.exec(hub, "ip", "addr", "add", DOOR + "/32", "dev", "lo");
        // no default route on the box: the backbone is reachable through the tunnel only
        tunnel = BackboneTunnelLab.start(lab, box, hub, tmp.resolve("tunnel"), UNIT, LAN_NET, BACKBONE_NET, HUB_WAN, List.of());

        manager = ManagerAssembly.start(ManagerFixture.config(Files.createDirectories(tmp.resolve("manager")))
                        .with(ConfigKey.BROKER_TLS_PORT, 0).with(ConfigKey.BROKER_TLS_IPS, DOOR + ",127.0.0.1"),
                ManagerAssembly.Options.defaults().withTlsCa(tunnel.ca()));
        TestAccounts.add(manager.database(), "prov-duty", Role.DUTY_OFFICER);
        manager.context().listeners().add(m -> {
            if (m.unit().equals(UNIT)) {
                arrivals.add(new Arrival(m.kind(), m.topic().appId() + "/" + m.topic().resource(), m.id() == null ? -1 : m.id().sequence()));
            }
        });
        door = new BackboneDoor(hub, DOOR, DOOR_PORT, URI.create(manager.brokerTlsUrl()).getPort());

        MqttSettings mqtt = new MqttSettings("ssl://" + DOOR + ":" + DOOR_PORT, MqttSettings.DEFAULT_ACCOUNT, null, null,
                Duration.ofMillis(200), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, Duration.ofSeconds(3), null);
        NamespacedSocketFactory sockets = new NamespacedSocketFactory(boxTls().getSocketFactory(), box, BOX_LAN);
        telemetry = TelemetryRuntime.start(new BoxIdentity(UNIT, "SN-DUTY-1", "竞秀区水利局"),
                new TelemetrySettings(mqtt.withTls(() -> sockets), OutboxSettings.of(tmp.resolve("outbox.db"), 20_000), Duration.ofSeconds(1)),
                "none");
        store = new DutyStore(tmp.resolve("duty.db"));
        desk = new DutyDesk(UNIT, store, new DutySettings(tmp.resolve("duty.db"), DeadlineRules.DEFAULT, Duration.ofMinutes(5),
                Duration.ofSeconds(15), Set.of(), 31), telemetry.publisher(), Clock.systemUTC());
        telemetry.mqtt().subscribe(DutyTopics.APP, DutyTopics.RECEIPTS,
                (topic, payload) -> desk.onReceipts(ReceiptsPayload.decode(decode(payload))));
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

    /** A box certificate of the provincial CA for unit 130602-001, and trust in that CA only. */
    private static SSLContext boxTls() throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = tunnel.ca().issueBox(k.getPublic(), UNIT, null);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("box", k.getPrivate(), "box".toCharArray(), new X509Certificate[]{cert, tunnel.ca().issuingCertificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "box".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(EstTlsIdentity.trustStore(tunnel.ca()));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @AfterAll
    static void tearDown() throws Exception {
        List<Exception> failures = new ArrayList<>();
        if (watching != null) {
            watching.shutdownNow();
        }
        for (AutoCloseable c : new AutoCloseable[] {telemetry, store, door, manager, tunnel, lab}) {
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
        // an event reported to the duty officer 11 minutes after it happened: its phone deadline (15 min) is 4 minutes away
        Incident event = desk.register(new IncidentDraft("某化工厂储罐爆炸", ReportLevel.MAJOR, EventCategory.ACCIDENT, ReportStatus.ACTUAL,
                Instant.now().minus(Duration.ofMinutes(11))), OFFICER);

        // --- the backbone link goes down
        lab.exec(box, "ip", "link", "set", "eth0", "down");
        Poll.until("the box sees the link down", 60_000, () -> !telemetry.mqtt().isConnected());
        Poll.until("the manager gives the old connection up (last will)", 60_000,
                () -> manager.fleet().get(UNIT.toString()).map(b -> b.status() == BoxStatus.DISCONNECTED).orElse(false));
        int cut = arrivals.size();

        // the backlog of the other services
        for (int i = 0; i < DOCUMENTS; i++) {
            telemetry.publisher().publish("DOCS", "document", KuraPayload.builder().metric("index", i).metric("text", "公文".repeat(40)).build(),
                    Priority.BULK);
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
        Poll.until("the backlog delivered", 180_000, () -> telemetry.outbox().depth() == 0
                && arrivals.stream().anyMatch(a -> a.what().equals("MARK/restore")));
        TunnelStatus after = watcher.poll();
        assertTrue(after.packetsOut() > before.packetsOut() + DOCUMENTS / 10,
                "the backlog went through the tunnel's CHILD SA: " + before + " -> " + after);

        // the manager's arrival order of what was queued during the outage
        List<Arrival> everything = arrivals.subList(cut, arrivals.size()).stream()
                .filter(a -> !a.kind().isLifecycle() && a.seq() >= 0 && a.seq() < marker.sequence()).toList();
        System.out.println("manager arrival order of the " + everything.size() + " messages queued during the outage: " + head(everything) + " …");
        assertEquals("DUTY/report", everything.get(0).what(), "the emergency report is the first message of any service the manager gets: "
                + head(everything));
        // the tunnel's own messages share one topic at two priorities (state changes, counters): left out of the order check
        List<Arrival> queued = everything.stream().filter(a -> !a.what().startsWith("VPN/")).toList();
        int warning = indexOf(queued, "ALARM/" + DutyTopics.DEADLINE_APPROACHING);
        int firstDocument = indexOf(queued, "DOCS/document");
        assertTrue(warning > 0 && warning < firstDocument, "the deadline warning after the report, before the documents: " + head(queued));
        assertEquals(DOCUMENTS, queued.stream().filter(a -> a.what().equals("DOCS/document")).count(), "every document arrived once");
        List<Arrival> byPriority = new ArrayList<>(queued);
        byPriority.sort(Comparator.comparingInt(EmergencyReportPriorityNetnsTest::priority).thenComparingLong(Arrival::seq));
        assertEquals(byPriority, queued, "the whole backlog by priority, then age");
        assertTrue(queued.stream().filter(a -> a.what().equals("HEALTH/status")).count() >= 3, "health accumulated during the outage");

        // the duty office has it; the province acknowledges; the receipt returns to the box through the tunnel
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

    /** The priority each message was queued at, from its topic (VPN messages are left out: state and counters share one). */
    private static int priority(Arrival a) {
        if (a.what().equals("DUTY/report")) {
            return Priority.CRITICAL;
        }
        if (a.what().startsWith(Alarm.APP_ID + "/")) {
            return Priority.ALARM;
        }
        if (a.what().equals("DUTY/roster")) {
            return Priority.STATE;
        }
        if (a.what().equals("HEALTH/status")) {
            return Priority.HEALTH;
        }
        if (a.what().equals("DOCS/document")) {
            return Priority.BULK;
        }
        throw new AssertionError("unexpected message " + a);
    }

    private static int indexOf(List<Arrival> l, String what) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).what().equals(what)) {
                return i;
            }
        }
        return -1;
    }

    private static String head(List<Arrival> l) {
        return l.subList(0, Math.min(12, l.size())).toString();
    }

    private static KuraPayload decode(byte[] b) {
        try {
            return KuraPayloadCodec.decode(b);
        } catch (cn.egov.api.payload.PayloadFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

}
