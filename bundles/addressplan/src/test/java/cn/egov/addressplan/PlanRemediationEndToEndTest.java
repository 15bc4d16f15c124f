package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.lab.NetLab;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.broker.PasswordFile;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of issue 4 on one machine: a box namespace whose LAN host sits outside the
 * unit's allocation; the DS component checks it and sends findings through the box's real
 * durable outbox and MQTT publisher to a real manager (embedded broker, ingestion, store); the
 * manager's remediation list shows the unit, then shows it done once the site is fixed; whois
 * answers over REST and on the /plan page.
 */
class PlanRemediationEndToEndTest {

    private static final String NOC = "noc-secret-0123456789";
    private static final String UNIT = "130602-001";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void findingReachesTheRemediationListAndClearsWhenFixed() throws Exception {
        Path plan = Path.of("../../rules/plan").toAbsolutePath().normalize();
        // the box logs in on the manager's lab listener with a password of its own (nobody connects anonymously)
        Path passwords = Files.createDirectories(dir.resolve("manager")).resolve("lab.passwd");
        String boxPassword = "plan-e2e-" + UUID.randomUUID();
        Files.writeString(passwords, PasswordFile.line(UNIT, boxPassword) + "\n");
        ManagerConfig base = ManagerConfig.defaults()
                .with(ConfigKey.DATA_DIR, dir.resolve("manager"))
                .with(ConfigKey.BROKER_PORT, 0)
                .with(ConfigKey.BROKER_PLAIN_ENABLED, true)
                .with(ConfigKey.BROKER_PLAIN_PASSWORD_FILE, passwords)
                .with(ConfigKey.WEB_PORT, 0)
                .with(ConfigKey.AUTH_NOC_TOKEN, NOC);
        ManagerConfig config = new ManagerConfig("test", base.values(), Map.of("plan.dir", plan.toString()));
        try (ManagerAssembly manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults());
             NetLab lab = NetLab.create("plane2e")) {
            String box = lab.host("box");
            String good = lab.host("pc1");
            String bad = lab.host("pc2");
            lab.link(box, "eth1", "10.6.8.1/25", good, "eth0", "10.6.8.20/25");
            lab.link(box, "eth2", null, bad, "eth0", "10.9.9.20/24");
            lab.exec(box, "ip", "route", "add", "10.9.9.0/24", "dev", "eth2", "src", "10.6.8.1");
            lab.exec(bad, "ip", "route", "add", "10.6.8.0/25", "dev", "eth0");
            talkTo(lab, box, "10.9.9.20");

            BoxIdentity identity = new BoxIdentity(UnitCode.parse(UNIT), "SN-PLAN-1", "竞秀区教育局");
            MqttSettings mqtt = new MqttSettings(manager.brokerUrl(), MqttSettings.DEFAULT_ACCOUNT, UNIT, boxPassword.toCharArray(),
                    Duration.ofMillis(100), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, MqttSettings.DEFAULT_KEEP_ALIVE, null);
            try (TelemetryRuntime telemetry = TelemetryRuntime.start(identity,
                    new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 1000), Duration.ofMinutes(10)), "none")) {
                IdentityProvider who = () -> identity;
                AddressPlanComponent component = new AddressPlanComponent(telemetry.publisher(), who,
                        AddressPlanNetLabTest.config(Map.of("planPath", plan.toString(), "namespace", box,
                                "leaseFiles", new String[0], "hostsFile", "", "intervalSeconds", 100000)));
                try {
                    ConformanceReport first = component.runOnce();
                    assertTrue(first != null && !first.conforms());

                    JsonNode unit = pollUnit(manager, u -> u.path("open").asInt() >= 2);
                    assertEquals("NOT_STARTED", unit.path("status").asText());
                    assertTrue(unit.path("name").asText().contains("竞秀区"), unit.toString());
                    boolean neighbour = false;
                    for (JsonNode f : unit.path("openFindings")) {
                        neighbour |= f.path("kind").asText().equals("NEIGHBOUR") && f.path("observed").asText().equals("10.9.9.20")
                                && f.path("remediation").asText().contains("renumber it to 10.6.8.");
                    }
                    assertTrue(neighbour, unit.toString());

                    // the technician removes the stray link: the next check is clean and the list shows the unit done
                    lab.exec(box, "ip", "route", "del", "10.9.9.0/24", "dev", "eth2");
                    lab.exec(box, "ip", "neigh", "flush", "dev", "eth2");
                    ConformanceReport second = component.runOnce();
                    assertTrue(second.conforms(), second.findings().toString());
                    JsonNode done = pollUnit(manager, u -> u.path("status").asText().equals("DONE"));
                    assertEquals(0, done.path("open").asInt());
                    assertEquals(100, done.path("percentDone").asInt());
                    assertTrue(done.path("resolved").asInt() >= 2);
                } finally {
                    component.deactivate();
                }
            }

            // whois over REST and on the web page
            JsonNode who = JSON.readTree(get(manager, "/api/plan/whois?q=10.9.9.20").body());
            assertEquals("130902", who.path("owner").asText(), who.toString());
            HttpResponse<String> name = get(manager, "/api/plan/whois?q=" + URLEncoder.encode("slj.bd.gov.cn", StandardCharsets.UTF_8));
            assertEquals(200, name.statusCode());
            assertEquals("130600-012", JSON.readTree(name.body()).path("owner").asText());
            assertEquals(404, get(manager, "/api/plan/whois?q=192.0.2.1").statusCode());
            String page = get(manager, "/plan?q=10.6.8.9").body();
            assertTrue(page.contains("id=\"whois\"") && page.contains("130602-001") && page.contains("竞秀区教育局"), page);
            assertTrue(page.contains("id=\"remediation\"") && page.contains(">DONE<"), page);
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + "/api/plan/remediation")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private HttpResponse<String> get(ManagerAssembly m, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Bearer " + NOC).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode pollUnit(ManagerAssembly m, Predicate<JsonNode> ok) throws Exception {
        JsonNode last = null;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = get(m, "/api/plan/remediation");
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode u : JSON.readTree(r.body()).path("units")) {
                if (u.path("unit").asText().equals(UNIT)) {
                    last = u;
                    if (ok.test(u)) {
                        return u;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("remediation list never showed the expected state of " + UNIT + "; last: " + last);
    }

    private static void talkTo(NetLab lab, String ns, String address) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            lab.tryExec(ns, "bash", "-c", "echo probe > /dev/udp/" + address + "/9");
            if (lab.exec(ns, "ip", "neigh", "show", address).contains("lladdr")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no neighbour entry for " + address);
    }
}
