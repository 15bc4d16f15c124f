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
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.manager.support.LabPasswords;
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
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency report overtakes every waiting message of every service when the backbone returns,
 * shown by the order the manager's broker received them, over the real tunnel in network namespaces.
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
 * keep-alive, the broker's last will), as after any real outage. During the outage the box queues
 * 1,000 bulk messages (standing in for the other services' backlog: documents themselves no longer
 * pass through the outbox; they go to the hub over HTTPS and wait while the outbox holds a CRITICAL
 * message, which the manager's EmergencyReportBeforeDocumentsTest shows with 1,000 real documents),
 * its health every second, a deadline warning of its own
 * clock, and then the duty officer's 初报. When the uplink comes back, a NOC subscriber on the box's
 * topics (the broker's order) gets the report first and then the rest by priority then age; the
 * manager's ingest hands its listeners the same order; the province acknowledges and the receipt
 * returns through the tunnel.
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
    private static final String NOC_USER = "noc-duty";
    private static final String NOC_PASSWORD = "noc-duty-test-password";

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

        Path nocUsers = tmp.resolve("noc.passwd");
        LabPasswords.add(nocUsers, NOC_USER, NOC_PASSWORD);
        manager = ManagerAssembly.start(ManagerFixture.config(Files.createDirectories(tmp.resolve("manager")))
                        .with(ConfigKey.BROKER_TLS_PORT, 0).with(ConfigKey.BROKER_TLS_IPS, DOOR + ",127.0.0.1")
                        .with(ConfigKey.BROKER_NOC_PORT, 0).with(ConfigKey.BROKER_NOC_PASSWORD_FILE, nocUsers),
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
        List<AutoCloseable> all = java.util.Arrays.asList(telemetry, store, door, manager, tunnel, lab);
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

        // the backlog of the other services (standing in for documents)
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
        assertEquals(DOCUMENTS, atBroker.stream().filter(a -> a.what().equals("DOCS/document")).count(), "every bulk message arrived");
        int warning = indexOf(atBroker, "ALARM/" + DutyTopics.DEADLINE_APPROACHING);
        assertTrue(warning > 0 && warning < indexOf(atBroker, "DOCS/document"), "the deadline warning after the report, before the bulk");
        List<Arrival> ordered = atBroker.stream().filter(a -> !a.what().startsWith("VPN/")).toList();
        List<Arrival> byPriority = new ArrayList<>(ordered);
        byPriority.sort(Comparator.comparingInt(EmergencyReportPriorityNetnsTest::priority).thenComparingLong(Arrival::seq));
        assertEquals(byPriority, ordered, "the whole backlog by priority, then age, at the broker");
        assertTrue(ordered.stream().filter(a -> a.what().equals("HEALTH/status")).count() >= 3, "health accumulated during the outage");

        // the manager's ingest hands its listeners the same order
        List<Arrival> ingested = firstArrivals(arrivals, outage, marker).stream().filter(a -> !a.what().startsWith("VPN/")).toList();
        assertEquals(ordered, ingested, "the ingest keeps the broker's order");

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

    private static KuraPayload decode(byte[] b) {
        try {
            return KuraPayloadCodec.decode(b);
        } catch (cn.egov.api.payload.PayloadFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
