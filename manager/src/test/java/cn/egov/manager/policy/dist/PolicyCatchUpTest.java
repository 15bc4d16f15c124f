package cn.egov.manager.policy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A county-wide policy published before any box of the county ever connected reaches a box that
 * connects later: its BIRTH triggers the catch-up, which publishes the bundle retained on its own
 * topic (real manager, embedded broker, Paho box).
 */
class PolicyCatchUpTest {

    private static final String NOC = "catch-up-noc-0123456789";
    private static final String UNIT = "130602-005";

    @TempDir
    Path dir;

    @Test
    void aBoxThatConnectsLaterGetsTheNewestBundleOfItsScope() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "pass".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("signer.p12"), "pass".toCharArray());
            ManagerConfig config = ManagerFixture.withLabListener(ManagerConfig.defaults().with(ConfigKey.DATA_DIR, dir.resolve("m"))
                    .with(ConfigKey.WEB_PORT, 0).with(ConfigKey.AUTH_NOC_TOKEN, NOC));
            try (ManagerAssembly m = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withPolicySigning(key))) {
                String body = new ObjectMapper().writeValueAsString(Map.of("scope", "county:130602",
                        "files", PolicyBundleSigningTest.baseline()));
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/policy/bundles"))
                        .header("Authorization", "Bearer " + NOC).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertEquals(201, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"units\":[]"), "no box of the county known yet: " + r.body());

                BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
                MqttClient box = new MqttClient(m.brokerUrl(), UNIT, new MemoryPersistence());
                try {
                    MqttConnectOptions o = new MqttConnectOptions();
                    o.setCleanSession(true);
                    o.setUserName(UNIT);
                    o.setPassword(ManagerFixture.labPassword(m, UNIT).toCharArray());
                    box.connect(o);
                    box.subscribe(PolicySigning.bundleTopic("hebei", UNIT).toString(), 1, (t, msg) -> inbox.add(msg.getPayload()));
                    box.publish(KuraTopic.birth("hebei", UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                            .timestamp(System.currentTimeMillis()).metric(BoxMetrics.UNIT_CODE, UNIT).build()), 1, false);
                    byte[] payload = inbox.poll(60, TimeUnit.SECONDS);
                    assertTrue(payload != null, "no bundle after BIRTH");
                    PolicyManifest got = new PolicyBundleVerifier(List.of(ca.rootCertificate()), Clock.systemUTC())
                            .verify(SignedPolicyBundle.decode(KuraPayloadCodec.decode(payload).body()), UnitCode.parse(UNIT), 0);
                    assertEquals(1, got.serial());
                } finally {
                    box.disconnect();
                    box.close();
                }
                // the delivery is recorded after the publish returns: wait for it rather than race it
                String[] history = {""};
                Poll.until("the delivery is recorded", 20_000, () -> {
                    try {
                        history[0] = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/policy/bundles"))
                                .header("Authorization", "Bearer " + NOC).build(), HttpResponse.BodyHandlers.ofString()).body();
                    } catch (Exception e) {
                        history[0] = e.toString();
                    }
                    return history[0].contains("\"units\":[\"" + UNIT + "\"]");
                });
            }
        }
    }
}
