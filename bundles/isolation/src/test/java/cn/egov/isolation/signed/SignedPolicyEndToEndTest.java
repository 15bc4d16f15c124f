package cn.egov.isolation.signed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.isolation.enforce.PolicyEnforcement;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.lab.NetLab;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed policy distribution end to end on one machine: a real provincial CA, a real manager
 * (embedded broker, SQLite, REST), the box's real outbox and MQTT connection, and nftables in a
 * box namespace. The manager signs and publishes (retained) while the box is offline; the box gets
 * it when it connects, verifies it and applies it; the manager shows it in force. Forged bundles
 * (changed content, a box certificate as signer, a foreign CA, an older serial, another unit's
 * scope) arrive on the same topic and are each refused by the check that names it: the alarm
 * reaches the manager and {@code nft -j list table inet egov} stays byte for byte the same. After a
 * restart the accepted bundle is verified and applied again, and its serial still bars rollback.
 */
class SignedPolicyEndToEndTest {

    private static final String UNIT = "130602-001";
    private static final String NOC = "noc-secret-0123456789";
    private static final String AUDITOR = "auditor-secret-0123456789";
    /** A technician is an account bound to the unit's county: Basic credentials, not a token. */
    private static final String TECHNICIAN = TestAccounts.basic("bd-tech");
    private static final char[] PASS = "e2e-ca-passphrase".toCharArray();
    private static final Path BASELINE = Path.of("../../rules/policy/baseline");
    private static final String V1 = "2026.11-2";
    private static final String V2 = "2026.11-3";
    private static final long WAIT_S = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagerAssembly manager;

    @Test
    void theBoxAppliesOnlyWhatTheManagerSignedForItAndTheManagerSeesIt() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
             ProvincialCa foreign = ProvincialCa.create(dir.resolve("foreign"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
             NetLab lab = NetLab.create("sign")) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("ca").resolve(PolicySigningKey.FILE), PASS);
            ManagerConfig config = ManagerFixture.withLabListener(ManagerConfig.defaults().with(ConfigKey.DATA_DIR, dir.resolve("manager"))
                    .with(ConfigKey.WEB_PORT, 0).with(ConfigKey.AUTH_NOC_TOKEN, NOC)
                    .with(ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR));
            manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withPolicySigning(key));
            TestAccounts.add(manager.database(), "bd-tech", Role.TECHNICIAN, UNIT.substring(0, 6));
            try {
                run(ca, foreign, key, lab.host("box"));
            } finally {
                manager.close();
            }
        }
    }

    private void run(ProvincialCa ca, ProvincialCa foreign, PolicySigningKey key, String box) throws Exception {
        // --- the NOC publishes while the box is offline; nobody else may; an invalid policy is never signed
        assertEquals(403, post(TECHNICIAN, body("unit:" + UNIT, policy(V1))).statusCode());
        assertEquals(403, post(AUDITOR, body("unit:" + UNIT, policy(V1))).statusCode());
        Map<String, String> broken = policy(V1);
        broken.put("30-rules.policy", broken.get("30-rules.policy") + "\nflow stray\n    from nowhere\n");
        HttpResponse<String> refused = post(NOC, body("unit:" + UNIT, broken));
        assertEquals(422, refused.statusCode(), refused.body());
        JsonNode finding = JSON.readTree(refused.body()).path("findings").get(0);
        assertEquals("30-rules.policy", finding.path("file").asText(), refused.body());
        assertTrue(finding.path("line").asInt() > 0, refused.body());
        HttpResponse<String> first = post(NOC, body("unit:" + UNIT, policy(V1)));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(1, JSON.readTree(first.body()).path("serial").asLong(), "the refused policy used no serial");
        assertEquals(List.of(UNIT), List.of(JSON.readTree(first.body()).path("units").get(0).asText()));
        JsonNode history = JSON.readTree(get(AUDITOR, "/api/policy/bundles").body()).path("bundles");
        assertEquals("noc", history.get(0).path("issuedBy").asText());
        assertEquals(403, get(TECHNICIAN, "/api/policy/bundles").statusCode());

        // --- the box connects later and gets the retained bundle
        Path state = dir.resolve("box-state");
        BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        BoxIdentity identity = new BoxIdentity(UnitCode.parse(UNIT), "SN-SIGN-1", "竞秀区测试单位");
        MqttSettings mqtt = new MqttSettings(manager.brokerUrl(), MqttSettings.DEFAULT_ACCOUNT, UNIT, ManagerFixture.labPassword(manager, UNIT).toCharArray(),
                Duration.ofMillis(100), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, MqttSettings.DEFAULT_KEEP_ALIVE, null);
        PolicyBundleVerifier verifier = new PolicyBundleVerifier(List.of(ca.rootCertificate()), Clock.systemUTC());
        String liveBefore;
        try (TelemetryRuntime telemetry = TelemetryRuntime.start(identity,
                new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 10_000), Duration.ofMinutes(10)), "none")) {
            PolicyEnforcement enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry.publisher(), Clock.systemUTC(),
                    dir.resolve("nft.lock"), false);
            PolicyBundleReceiver receiver = new PolicyBundleReceiver(() -> verifier, identity.unit(), state, enforcement::apply,
                    telemetry.publisher(), Clock.systemUTC());
            telemetry.mqtt().subscribe(PolicySigning.APP_ID, PolicySigning.BUNDLE_RESOURCE, (topic, payload) -> inbox.add(payload));

            BundleOutcome o = receiveNew(receiver, inbox);
            assertEquals(BundleOutcome.Status.APPLIED, o.status(), o.message());
            assertEquals(1, o.serial());
            assertTrue(liveTable(box).contains(V1), "the kernel has policy " + V1);
            JsonNode unit = pollUnit(u -> u.path("signed").path("serialInForce").asLong() == 1);
            assertEquals(1, unit.path("signed").path("sentSerial").asLong(), unit.toString());
            assertEquals(V1, unit.path("version").asText(), unit.toString());
            assertEquals(unit.path("signed").path("sentSerial").asLong(), unit.path("signed").path("serialInForce").asLong());

            // --- a county-wide update: published to the known box, applied
            HttpResponse<String> second = post(NOC, body("county:130602", policy(V2)));
            assertEquals(201, second.statusCode(), second.body());
            o = receiveNew(receiver, inbox);
            assertEquals(BundleOutcome.Status.APPLIED, o.status(), o.message());
            assertEquals(2, o.serial());
            liveBefore = liveTable(box);
            assertTrue(liveBefore.contains(V2));
            pollUnit(u -> u.path("signed").path("serialInForce").asLong() == 2 && V2.equals(u.path("version").asText()));

            // --- forgeries on the box's own topic (as if the manager's side were misused): each refused by its check
            SignedPolicyBundle good = key.sign(manifest(3, "unit:" + UNIT, V2));
            expectRefusal(receiver, inbox, box, liveBefore, tamper(good), "signature");
            KeyPair boxKey = KeyPairs.p256();
            SignedPolicyBundle byBox = SignedPolicyBundle.sign(manifest(4, "unit:" + UNIT, V2), boxKey.getPrivate(),
                    List.of(ca.issueBox(boxKey.getPublic(), identity.unit(), null), ca.issuingCertificate()));
            expectRefusal(receiver, inbox, box, liveBefore, byBox, "signer_profile");
            PolicySigningKey alien = PolicySigningKey.loadOrIssue(foreign, dir.resolve("foreign").resolve(PolicySigningKey.FILE), PASS);
            expectRefusal(receiver, inbox, box, liveBefore, alien.sign(manifest(5, "unit:" + UNIT, V2)), "chain");
            expectRefusal(receiver, inbox, box, liveBefore, key.sign(manifest(1, "unit:" + UNIT, V1)), "serial");
            expectRefusal(receiver, inbox, box, liveBefore, key.sign(manifest(6, "unit:130602-002", V2)), "scope");
            JsonNode unitAfter = pollUnit(u -> "scope".equals(u.path("signed").path("rejectedCheck").asText()));
            assertEquals(2, unitAfter.path("signed").path("serialInForce").asLong(), "still serial 2 in force: " + unitAfter);
            assertTrue(get(NOC, "/policy").body().contains("REJECTED"), "the /policy page shows the refusal");
        }

        // --- restart: the accepted bundle is verified and applied again, its serial still bars rollback
        try (TelemetryRuntime telemetry = TelemetryRuntime.start(identity,
                new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 10_000), Duration.ofMinutes(10)), "none")) {
            PolicyEnforcement enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry.publisher(), Clock.systemUTC(),
                    dir.resolve("nft.lock"), false);
            PolicyBundleReceiver receiver = new PolicyBundleReceiver(() -> verifier, identity.unit(), state, enforcement::apply,
                    telemetry.publisher(), Clock.systemUTC());
            BundleOutcome restored = receiver.restore().orElseThrow();
            assertEquals(BundleOutcome.Status.APPLIED, restored.status(), restored.message());
            assertEquals(2, receiver.serialInForce());
            assertEquals(liveBefore, liveTable(box), "the same ruleset adopted, not rewritten");
            telemetry.mqtt().subscribe(PolicySigning.APP_ID, PolicySigning.BUNDLE_RESOURCE, (topic, payload) -> inbox.add(payload));
            BundleOutcome again = receiver.receive(next(inbox));
            assertEquals(BundleOutcome.Status.ALREADY_IN_FORCE, again.status(), "the retained bundle after reconnecting: " + again);
            BundleOutcome old = receiver.receive(payload(key.sign(manifest(1, "unit:" + UNIT, V1))));
            assertEquals("serial", old.check(), old.message());
            assertEquals(liveBefore, liveTable(box));
        }
    }

    private void expectRefusal(PolicyBundleReceiver receiver, BlockingQueue<byte[]> inbox, String box, String liveBefore,
                               SignedPolicyBundle forged, String check) throws Exception {
        manager.context().messenger().publish(PolicySigning.bundleTopic(MqttSettings.DEFAULT_ACCOUNT, UNIT),
                KuraPayload.builder().timestamp(System.currentTimeMillis()).body(forged.encode()).build(), false);
        BundleOutcome o = receiveNew(receiver, inbox);
        assertEquals(BundleOutcome.Status.REJECTED, o.status(), o.message());
        assertEquals(check, o.check(), o.message());
        assertEquals(liveBefore, liveTable(box), "the previous ruleset stays in force after a '" + check + "' refusal");
        JsonNode alarm = pollAlarm(a -> check.equals(a.path("alarm").path("evidence").path("check").asText()));
        assertEquals(PolicyBundleReceiver.REJECTED_ALARM, alarm.path("alarm").path("kind").asText());
        assertTrue(alarm.path("alarm").path("message").asText().contains(check), alarm.toString());
    }

    /** The next outcome that is not the bundle in force delivered again (a retained message can come twice). */
    private static BundleOutcome receiveNew(PolicyBundleReceiver receiver, BlockingQueue<byte[]> inbox) throws InterruptedException {
        while (true) {
            BundleOutcome o = receiver.receive(next(inbox));
            if (o.status() != BundleOutcome.Status.ALREADY_IN_FORCE) {
                return o;
            }
        }
    }

    private static byte[] next(BlockingQueue<byte[]> inbox) throws InterruptedException {
        byte[] p = inbox.poll(WAIT_S, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no bundle reached the box's control topic within " + WAIT_S + " s");
        }
        return p;
    }

    private static byte[] payload(SignedPolicyBundle b) {
        return cn.egov.api.payload.KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis()).body(b.encode()).build());
    }

    /** The signed manifest with one policy file's content changed; signature and chain kept. */
    private static SignedPolicyBundle tamper(SignedPolicyBundle good) throws Exception {
        String json = new String(good.manifest(), StandardCharsets.US_ASCII);
        String original = Base64.getEncoder().encodeToString(Files.readAllBytes(BASELINE.resolve("20-services.policy")));
        String changed = Base64.getEncoder().encodeToString((Files.readString(BASELINE.resolve("20-services.policy"))
                + "\n# opened by hand\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(json.contains(original));
        return new SignedPolicyBundle(json.replace(original, changed).getBytes(StandardCharsets.US_ASCII), good.signature(), good.chain());
    }

    private static PolicyManifest manifest(long serial, String scope, String version) throws Exception {
        List<PolicyFile> files = new ArrayList<>();
        for (Map.Entry<String, String> e : policy(version).entrySet()) {
            files.add(new PolicyFile(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return new PolicyManifest("hebei-baseline", version, serial, Instant.now(), PolicyScope.parse(scope), files);
    }

    /** The province's baseline, with the version line set. */
    private static Map<String, String> policy(String version) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(BASELINE)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".policy")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p).replace("version " + V1, "version " + version));
            }
        }
        assertTrue(files.values().stream().anyMatch(t -> t.contains("version " + version)));
        return files;
    }

    private static String body(String scope, Map<String, String> files) throws Exception {
        return JSON.writeValueAsString(Map.of("scope", scope, "files", files));
    }

    private static String liveTable(String box) {
        return NetLab.run("ip", "netns", "exec", box, "nft", "-j", "list", "table", "inet", "egov");
    }

    /** An API token as Bearer; account credentials ({@code Basic ...}) as they are. */
    private static String authorization(String token) {
        return token.startsWith("Basic ") ? token : "Bearer " + token;
    }

    private HttpResponse<String> post(String token, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + "/api/policy/bundles"))
                        .header("Authorization", authorization(token)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + path)).header("Authorization", authorization(token)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode pollUnit(Predicate<JsonNode> ok) throws Exception {
        JsonNode last = null;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S); System.nanoTime() < end; Thread.sleep(100)) {
            HttpResponse<String> r = get(AUDITOR, "/api/policy/units");
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode u : JSON.readTree(r.body()).path("units")) {
                if (u.path("unit").asText().equals(UNIT)) {
                    last = u;
                    if (ok.test(u)) {
                        return u;
                    }
                }
            }
        }
        throw new AssertionError("the manager never showed the expected state of " + UNIT + "; last: " + last);
    }

    private JsonNode pollAlarm(Predicate<JsonNode> ok) throws Exception {
        JsonNode last = null;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S); System.nanoTime() < end; Thread.sleep(100)) {
            last = JSON.readTree(get(NOC, "/api/policy/alarms?unit=" + UNIT + "&kind=" + PolicyBundleReceiver.REJECTED_ALARM).body());
            for (JsonNode a : last.path("alarms")) {
                if (ok.test(a)) {
                    return a;
                }
            }
        }
        throw new AssertionError("the refusal never reached the manager; last: " + last);
    }
}
