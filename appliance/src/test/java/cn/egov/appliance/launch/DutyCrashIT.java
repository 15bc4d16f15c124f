package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.console.api.Role;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the real box process ({@code bin/appliance run}) right after the duty officer
 * was told a report is filed: the report is still delivered, and exactly once.
 *
 * <ol>
 *   <li>The box is offline (its broker address answers nothing): the officer records an event and
 *       files the 初报 through the console's JSON API; the moment the 201 arrives the process is
 *       killed. The report was stored and queued before that answer, so it is in the outbox.</li>
 *   <li>The box restarts, now reaching the manager: the 初报 arrives. The officer files 续报 1 and
 *       the process is killed again at the answer, while that report may be on the wire.</li>
 *   <li>The box restarts once more and drains (a health sample says its outbox is empty).</li>
 * </ol>
 * The manager's ingest log holds each report message once, the duty office each report once with
 * no refusal, and the province's acknowledgement reaches the restarted box.
 */
class DutyCrashIT {

    private static final String UNIT = "130602-001";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    @Test
    void aReportFiledRightBeforeKillMinus9IsDeliveredExactlyOnce() throws Exception {
        try (ManagerAssembly manager = ManagerFixture.start(Files.createDirectories(root.resolve("manager")))) {
            TestAccounts.add(manager.database(), "prov-duty", cn.egov.manager.account.Role.DUTY_OFFICER);
            BoxFixture box = new BoxFixture(root.resolve("box"), "tcp://127.0.0.1:9"); // nothing answers there: offline
            int consolePort = freePort();
            Path consoleCfg = box.config.resolve("cn.egov.console.cfg");
            Files.writeString(consoleCfg, Files.readString(consoleCfg).replace("console.port = 0", "console.port = " + consolePort));
            Path telemetryCfg = box.config.resolve("cn.egov.telemetry.cfg");
            Files.writeString(telemetryCfg, Files.readString(telemetryCfg).replace("health.interval.s = 60", "health.interval.s = 1"));
            Files.createDirectories(box.data);
            String token;
            try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(box.data))) {
                Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC());
                accounts.add("zhang", "duty officer 12".toCharArray(), Set.of(Role.DUTY_OFFICER), UNIT);
                token = accounts.newApiToken("zhang");
            }
            URI console = URI.create("https://127.0.0.1:" + consolePort + "/");

            // 1. offline: record the event, file the 初报, kill -9 at the answer
            Process first = start(box, "1");
            HttpClient http = awaitConsole(box, console, first);
            JsonNode event = post(http, console, token, "duty/api/events", "{\"title\":\"某化工厂储罐爆炸\",\"level\":\"MAJOR\","
                    + "\"category\":\"ACCIDENT\",\"occurredAt\":\"" + Instant.now().minusSeconds(300) + "\"}").path("event");
            String reports = "duty/api/events/" + event.path("key").asLong() + "/reports";
            JsonNode initial = post(http, console, token, reports, "{\"kind\":\"初报\",\"level\":\"MAJOR\",\"description\":\"储罐区爆炸\"}")
                    .path("report");
            kill9(first);
            assertTrue(initial.path("queued").asBoolean(), "stored and queued before the officer was answered: " + initial);
            String initialId = initial.path("id").asText();

            // 2. back online: the 初报 arrives; 续报 1 is filed and the box killed again at the answer
            Files.writeString(telemetryCfg, Files.readString(telemetryCfg).replace("tcp://127.0.0.1:9", manager.brokerUrl())
                    + "username = " + UNIT + "\npassword = " + ManagerFixture.labPassword(manager, UNIT) + "\n");
            Process second = start(box, "2");
            http = awaitConsole(box, console, second);
            BoxFixture.await("the 初报 at the duty office", () -> count(manager, "SELECT COUNT(*) FROM duty_reports WHERE id = ?", initialId) == 1);
            JsonNode followUp = post(http, console, token, reports, "{\"kind\":\"续报\",\"number\":1,\"level\":\"MAJOR\","
                    + "\"description\":\"明火已扑灭\"}").path("report");
            kill9(second);
            String followUpId = followUp.path("id").asText();

            // 3. once more: the box drains its outbox
            Instant restarted = Instant.now();
            Process third = start(box, "3");
            try {
                BoxFixture.await("续报 1 at the duty office",
                        () -> count(manager, "SELECT COUNT(*) FROM duty_reports WHERE id = ?", followUpId) == 1);
                BoxFixture.await("a health sample with the outbox empty", () -> emptyOutboxSince(manager, restarted));

                // each report message once in the ingest log, each report once at the duty office, nothing refused
                assertEquals(1, reportMessages(manager, initialId), "the 初报's message");
                assertEquals(1, reportMessages(manager, followUpId), "续报 1's message");
                assertEquals(2, count(manager, "SELECT COUNT(*) FROM duty_reports WHERE incident = ?", initialId));
                assertEquals(0, count(manager, "SELECT COUNT(*) FROM duty_refusals WHERE unit = ?", UNIT));

                // the province acknowledges; the restarted box shows it
                for (String id : List.of(initialId, followUpId)) {
                    HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                    URI.create(manager.webUrl() + "/api/duty/reports/" + id + "/ack"))
                            .header("Authorization", TestAccounts.basic("prov-duty")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, ack.statusCode(), ack.body());
                }
                HttpClient client = awaitConsole(box, console, third);
                String path = "duty/api/events/" + event.path("key").asLong();
                BoxFixture.await("both receipts acknowledged on the box", () -> {
                    JsonNode e = get(client, console, token, path).path("event").path("reports");
                    return e.size() == 2 && e.get(0).path("receipt").path("acknowledgedBy").asText().equals("prov-duty")
                            && e.get(1).path("receipt").path("acknowledgedBy").asText().equals("prov-duty");
                });
            } finally {
                kill9(third);
            }
        }
    }

    private Process start(BoxFixture box, String run) throws Exception {
        return new ProcessBuilder(box.dist.resolve("bin/appliance").toString(), "run", "--config", box.config.toString(),
                "--data", box.data.toString(), "--bundles", box.bundles.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("box-" + run + ".log").toFile()).start();
    }

    /** SIGKILL: no shutdown hook, no close of any store. */
    private static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(BoxFixture.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "128 + SIGKILL");
    }

    /** Waits until the box's console answers; returns a client that trusts its certificate. */
    private HttpClient awaitConsole(BoxFixture box, URI console, Process p) throws Exception {
        Path p12 = box.data.resolve("console/bootstrap.p12");
        BoxFixture.await("the console certificate (log: " + root + ")", () -> !p.isAlive() || Files.exists(p12));
        assertTrue(p.isAlive(), "the box process ended");
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(p12)).build();
        BoxFixture.await("the console to answer", () -> {
            try {
                return http.send(HttpRequest.newBuilder(console.resolve("login")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return http;
    }

    private static SSLContext trusting(Path p12File) throws Exception {
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12File)) {
            p12.load(in, new char[0]);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("console", (X509Certificate) p12.getCertificate("console"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static JsonNode post(HttpClient http, URI console, String token, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(console.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode get(HttpClient http, URI console, String token, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(console.resolve(path)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** Report messages of the box in the ingest log that carry this report identifier. */
    private static long reportMessages(ManagerAssembly m, String id) throws Exception {
        long n = 0;
        for (String metrics : strings(m, "SELECT metrics_json FROM telemetry WHERE client_id = ? AND app_id = 'DUTY' AND resource = 'report'",
                UNIT)) {
            if (id.equals(JSON.readTree(metrics).path("id").asText())) {
                n++;
            }
        }
        return n;
    }

    private static boolean emptyOutboxSince(ManagerAssembly m, Instant since) {
        try (Connection c = m.database().connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT metrics_json FROM health_samples WHERE client_id = ? AND ts >= ? ORDER BY received")) {
            ps.setString(1, UNIT);
            ps.setLong(2, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (JSON.readTree(rs.getString(1)).path(BoxMetrics.OUTBOX_DEPTH).asLong(-1) == 0) {
                        return true;
                    }
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static long count(ManagerAssembly m, String sql, String arg) {
        try (Connection c = m.database().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> strings(ManagerAssembly m, String sql, String arg) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = m.database().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
