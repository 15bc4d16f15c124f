package cn.egov.manager.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.topic.KuraTopic;
import cn.egov.api.update.UpdateWire;
import cn.egov.api.update.UpdateWire.State;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.cli.ManagerCommand;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import cn.egov.manager.support.TlsBox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update part with the real embedded broker and download server: who may push (NOC and
 * administrators, audited), what a box in the scope receives on its own EXEC topic, that it downloads
 * the announced file with its certificate while a box outside the scope gets 403, and that the box's
 * reports become the push's state, a file changed on the manager refused by the box in one line.
 * The box is simulated (Paho, and HttpClient with the box's certificate); the box's own updater has
 * its tests in the appliance module (UpdateAgentTest).
 */
class UpdatePartTest {

    private static final char[] PASS = "update-part-passphrase".toCharArray();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IN = "130602-001";
    private static final String OUT = "130681-003";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anUpdateIsPushedToTheBoxesOfItsScopeDownloadedByThemOnlyAndTheirReportsRecorded() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"))) {
            ManagerConfig c = ManagerFixture.config(dir.resolve("m"));
            Map<String, String> ext = new LinkedHashMap<>(c.extensions());
            ext.put("update.port", "0");
            try (ManagerAssembly m = ManagerAssembly.start(new ManagerConfig(c.source(), c.values(), ext),
                    ManagerAssembly.Options.defaults().withTlsCa(ca))) {
                TestAccounts.add(m.database(), "admin", Role.ADMIN);
                TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
                assertEquals(404, push(m, bearer(ManagerFixture.NOC_TOKEN), 99, "{}").statusCode(), "no such serial");

                // an update signed for county 130602, kept where 'manager update sign' keeps it
                PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("ca").resolve(PolicySigningKey.FILE), PASS);
                BoxUpdateSigner.Signed signed = new BoxUpdateSigner(m.database(), key, Clock.systemUTC())
                        .sign("egov-box 1.1".getBytes(StandardCharsets.UTF_8), "1.1", PolicyScope.parse("county:130602"));
                long serial = signed.manifest().serial();
                UpdateFiles files = new UpdateFiles(UpdatePart.filesDir(dir.resolve("m")));
                assertEquals(409, push(m, bearer(ManagerFixture.NOC_TOKEN), serial, "{}").statusCode(), "no file kept yet");
                files.store(serial, signed.update());

                try (SimulatedBox in = SimulatedBox.lab(m, IN).connect(); SimulatedBox out = SimulatedBox.lab(m, OUT).connect();
                     BoxListener inbox = new BoxListener(in)) {
                    in.birth(60);
                    out.birth(60);
                    in.flush();
                    out.flush();
                    Poll.until("both boxes in the fleet", 30_000, () -> m.fleet().list().size() == 2);
                    assertEquals(422, push(m, bearer(ManagerFixture.NOC_TOKEN), serial, "{\"scope\":\"county:130681\"}").statusCode(),
                            "no box both in county 130681 and in the update's scope");
                    assertEquals(400, push(m, bearer(ManagerFixture.NOC_TOKEN), serial, "{\"scope\":\"town:1\"}").statusCode());
                    assertEquals(403, push(m, bearer(ManagerFixture.AUDITOR_TOKEN), serial, "{}").statusCode(), "auditors read only");
                    assertEquals(403, push(m, TestAccounts.basic("bd-tech"), serial, "{}").statusCode(), "technicians do not push");

                    HttpResponse<String> pushed = push(m, bearer(ManagerFixture.NOC_TOKEN), serial, "{}");
                    assertEquals(202, pushed.statusCode(), pushed.body());
                    assertEquals(List.of(IN), units(JSON.readTree(pushed.body()).path("units")), "only the box in the update's scope");
                    UpdateWire.Request r = inbox.next();
                    assertEquals(IN, r.unit().toString());
                    assertEquals(serial, r.serial());
                    assertEquals(sha(signed.update()), r.sha256());
                    assertEquals(signed.update().length, r.size());
                    assertEquals(State.REQUESTED.label(), stateOf(m, r.requestId()).path("state").asText());

                    // the box downloads the file with its certificate; a box outside the scope, and one not sent it, get 403
                    TlsBox inTls = TlsBox.issue(ca, IN, dir.resolve("tls"));
                    HttpResponse<byte[]> file = download(inTls, r.url());
                    assertEquals(200, file.statusCode());
                    assertEquals(r.sha256(), sha(file.body()));
                    HttpResponse<byte[]> outside = download(TlsBox.issue(ca, OUT, dir.resolve("tls")), r.url());
                    assertEquals(403, outside.statusCode());
                    assertTrue(new String(outside.body(), StandardCharsets.UTF_8).contains("is not in update serial " + serial + "'s scope county:130602"));
                    assertEquals(403, download(TlsBox.issue(ca, "130602-002", dir.resolve("tls")), r.url()).statusCode(),
                            "in the scope but not sent this update");

                    // the box reports; a report on another box's request or a malformed one changes nothing
                    report(in, new UpdateWire.Progress(r.requestId(), serial, State.DOWNLOADING, "downloading"));
                    report(in, new UpdateWire.Progress(r.requestId(), serial, State.INSTALLING, "installing"));
                    report(out, new UpdateWire.Progress(r.requestId(), serial, State.REFUSED, "not mine"));
                    report(in, new UpdateWire.Progress(r.requestId(), serial, State.DONE, "installed 1.1 (serial " + serial
                            + "), was 1.0; the box is back and green"));
                    Poll.until("the push done", 30_000, () -> stateOf(m, r.requestId()).path("state").asText().equals("done"));
                    assertTrue(stateOf(m, r.requestId()).path("message").asText().startsWith("installed 1.1"));

                    // an administrator pushes again; the file is changed on the manager after the push: the box refuses it
                    HttpResponse<String> again = push(m, TestAccounts.basic("admin"), serial, "{\"scope\":\"unit:" + IN + "\"}");
                    assertEquals(202, again.statusCode(), again.body());
                    UpdateWire.Request r2 = inbox.next();
                    byte[] tampered = signed.update();
                    tampered[tampered.length / 2] ^= 1;
                    Files.write(files.path(serial), tampered);
                    byte[] got = download(inTls, r2.url()).body();
                    String line = sha(got).equals(r2.sha256()) ? "" : "refused: the file from " + r2.url() + " has " + got.length
                            + " bytes with SHA-256 " + sha(got) + ", the request names " + r2.size() + " bytes with " + r2.sha256()
                            + " (changed on the way?); nothing installed";
                    assertTrue(!line.isEmpty(), "the box sees the change");
                    report(in, new UpdateWire.Progress(r2.requestId(), serial, State.REFUSED, line));
                    Poll.until("the push refused", 30_000, () -> stateOf(m, r2.requestId()).path("state").asText().equals("refused"));
                    assertEquals(line, stateOf(m, r2.requestId()).path("message").asText());
                    assertEquals(1, line.lines().count());

                    // the same from the command line (NOC token): a scope without boxes refused, then pushed
                    Path token = dir.resolve("noc.token");
                    Files.writeString(token, ManagerFixture.NOC_TOKEN + "\n");
                    Run none = run("update", "push", "--url", m.webUrl(), "--token-file", token.toString(), "--serial", Long.toString(serial),
                            "--scope", "unit:130602-009");
                    assertEquals(1, none.exit(), none.err());
                    assertEquals("manager update push: the manager answered 422: no box of the fleet is in unit:130602-009 and in update serial "
                            + serial + "'s signed scope county:130602\n", none.err());
                    Run cli = run("update", "push", "--url", m.webUrl(), "--token-file", token.toString(), "--serial", Long.toString(serial));
                    assertEquals(0, cli.exit(), cli.err());
                    assertEquals("update serial " + serial + " (egov-box 1.1) requested of 1 box(es): [\"" + IN + "\"]\n", cli.out());
                    assertEquals(serial, inbox.next().serial());

                    List<AuditEntry> audit = m.context().audit().newest(50).stream().filter(e -> e.action().equals("update.push")).toList();
                    assertEquals(3, audit.stream().filter(e -> e.outcome() == AuditEntry.Outcome.SUCCESS).count(), audit.toString());
                    assertTrue(audit.stream().anyMatch(e -> e.outcome() == AuditEntry.Outcome.SUCCESS && e.actor().equals("admin")));
                    assertTrue(audit.stream().filter(e -> e.outcome() == AuditEntry.Outcome.REFUSED).count() >= 4, audit.toString());
                }
            }
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = ManagerCommand.commandLine().execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private HttpResponse<String> push(ManagerAssembly m, String authorization, long serial, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/updates/" + serial + "/push"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode stateOf(ManagerAssembly m, String requestId) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/updates"))
                    .header("Authorization", bearer(ManagerFixture.AUDITOR_TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode p : JSON.readTree(r.body()).path("pushes")) {
                if (p.path("requestId").asText().equals(requestId)) {
                    return p;
                }
            }
            return JSON.createObjectNode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<byte[]> download(TlsBox box, URI url) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(box.context()).version(HttpClient.Version.HTTP_1_1).build();
        return c.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void report(SimulatedBox box, UpdateWire.Progress p) throws Exception {
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), UpdateWire.APP_ID, UpdateWire.PROGRESS_RESOURCE).toString(),
                KuraPayloadCodec.encode(p.toPayload()));
        box.flush();
    }

    private static List<String> units(JsonNode a) {
        return java.util.stream.StreamSupport.stream(a.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** What the box receives on its own EXEC topic. */
    private static final class BoxListener implements AutoCloseable {
        private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

        BoxListener(SimulatedBox box) throws Exception {
            box.subscribe(KuraTopic.control(SimulatedBox.ACCOUNT, box.clientId(), UpdateWire.APP_ID, UpdateWire.EXEC_RESOURCE).toString(),
                    (topic, payload) -> received.add(payload));
        }

        UpdateWire.Request next() throws Exception {
            byte[] p = received.poll(30, TimeUnit.SECONDS);
            assertNotNull(p, "no request on the box's EXEC topic");
            return UpdateWire.Request.from(KuraPayloadCodec.decode(p));
        }

        @Override
        public void close() {
        }
    }
}
