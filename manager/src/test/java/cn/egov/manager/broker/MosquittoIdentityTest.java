package cn.egov.manager.broker;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.ingest.MalformedReason;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.support.Cli;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TlsBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Mosquitto configurations ({@code image/mosquitto/egov.conf} and
 * {@code tls/egov-tls.conf}) with real Mosquitto, mosquitto_pub/sub and the manager: no listener
 * takes an anonymous client; the NOC reads with its password and cannot write; a unit Mosquitto
 * cannot judge (a provincial certificate for a unit outside the province) gets no further than the
 * manager's ingestion, which refuses, counts and alarms it and keeps it out of the fleet.
 */
class MosquittoIdentityTest {

    /** mosquitto_pub's exit code when the broker answers CONNECT with "not authorised" (LAB-NOTES). */
    private static final int REFUSED = 5;

    @TempDir
    Path dir;

    @Test
    void noListenerOfEitherConfigurationTakesAnAnonymousClient() throws Exception {
        try (MosquittoProcess plain = MosquittoProcess.start(dir.resolve("plain"), List.of("130602-001"))) {
            assertEquals(REFUSED, pub(dir, plain.managerPort(), "130602-001", List.of()).exit(), "egov.conf");
            assertEquals(REFUSED, pub(dir, plain.managerPort(), "130602-001", List.of("-u", "130602-001", "-P", "guess")).exit());
            assertEquals(0, pub(dir, plain.managerPort(), "130602-001", List.of("-u", "130602-001", "-P", plain.password("130602-001"))).exit(),
                    "a lab box with its password");
        }
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "mosquitto identity".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             MosquittoProcess tls = MosquittoProcess.startTls(dir.resolve("tls"), ca)) {
            Path conf = tls.dir();
            assertEquals(REFUSED, pub(conf, tls.managerPort(), "egov-manager", List.of()).exit(), "the manager's listener");
            assertEquals(REFUSED, pub(conf, tls.nocPort(), "noc-x", List.of("--cafile", "chain.pem")).exit(), "the NOC's");
            assertNotEquals(0, pub(conf, tls.tlsPort(), "130602-001", List.of("--cafile", "chain.pem")).exit(), "the boxes'");
        }
    }

    @Test
    void theNocReadsWithItsPasswordAndCannotWrite() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "mosquitto identity".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             MosquittoProcess tls = MosquittoProcess.startTls(dir.resolve("tls"), ca)) {
            TlsBox box = TlsBox.issue(ca, "130602-001", dir.resolve("pki"));
            List<String> noc = List.of("--cafile", "chain.pem", "-u", MosquittoProcess.NOC_USER, "-P", MosquittoProcess.NOC_PASSWORD);
            // stdbuf and -d: the SUBACK is seen before anything is published
            List<String> sub = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(tls.nocPort()),
                    "-t", "hebei/+/HEALTH/status", "-C", "1", "-W", "60", "-v", "-d"));
            sub.addAll(noc);
            Process reader = new ProcessBuilder(sub).directory(tls.dir().toFile()).redirectErrorStream(true).start();
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(reader.getInputStream()));
            String line;
            while ((line = lines.readLine()) != null && !line.contains("SUBACK")) {
                // connecting, subscribing
            }
            assertTrue(line != null, "mosquitto_sub ended before subscribing");
            // another operator's publish first: were it written, it would be the first message the reader gets
            pub(tls.dir(), tls.nocPort(), "noc-x", List.of("--cafile", "chain.pem", "-u", MosquittoProcess.NOC_USER_2, "-P",
                    MosquittoProcess.NOC_PASSWORD));
            try (SimulatedBox b = new SimulatedBox(tls.tlsUrl(), "130602-001").withTls(box.socketFactory()).connect()) {
                b.health();
                b.flush();
            }
            StringBuilder got = new StringBuilder();
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("hebei/")) {
                    got.append(line);
                }
            }
            assertEquals(0, reader.waitFor(), got.toString());
            assertTrue(got.toString().startsWith("hebei/130602-001/HEALTH/status "), "the box's message, not the NOC's 'forged': " + got);
        }
    }

    @Test
    void aUnitOutsideTheProvinceGetsNoFurtherThanIngestion() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "mosquitto identity".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             MosquittoProcess tls = MosquittoProcess.startTls(dir.resolve("tls"), ca);
             ManagerAssembly m = ManagerAssembly.start(ManagerFixture.config(dir.resolve("manager"))
                     .with(ConfigKey.BROKER_URL, tls.url()).with(ConfigKey.BROKER_MODE, "external")
                     .with(ConfigKey.BROKER_USERNAME, MosquittoProcess.MANAGER_USER)
                     .with(ConfigKey.BROKER_PASSWORD, MosquittoProcess.MANAGER_PASSWORD), ManagerAssembly.Options.defaults())) {
            TlsBox foreign = TlsBox.issue(ca, "999999-001", dir.resolve("pki"));
            TlsBox good = TlsBox.issue(ca, "130602-001", dir.resolve("pki"));
            try (SimulatedBox f = new SimulatedBox(tls.tlsUrl(), "999999-001").withTls(foreign.socketFactory()).connect();
                 SimulatedBox g = new SimulatedBox(tls.tlsUrl(), "130602-001").withTls(good.socketFactory()).connect()) {
                f.birth(60);
                f.health();
                f.flush();
                g.birth(60);
                g.flush();
            }
            Poll.until("both units' messages judged", 30_000, () -> m.part(IngestPart.class).metrics().malformedCount(MalformedReason.UNKNOWN_UNIT) >= 2
                    && m.fleet().get("130602-001").isPresent());
            assertEquals(2, m.part(IngestPart.class).metrics().malformedCount(MalformedReason.UNKNOWN_UNIT), "counted");
            assertTrue(m.fleet().get("999999-001").isEmpty(), "never in the fleet");
            Poll.until("alarmed", 30_000, () -> {
                try {
                    return m.context().alarms().latest(AlarmStore.MANAGER_CLIENT_ID, 10).stream()
                            .anyMatch(a -> a.alarm().kind().equals("ingest.unknown-unit") && "999999-001".equals(a.alarm().evidence().get("unit")));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static Cli.Result pub(Path dir, int port, String clientId, List<String> login) throws Exception {
        Path payload = dir.resolve("health.bin");
        if (!Files.exists(payload)) {
            Files.write(payload, KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).metric(BoxMetrics.CPU_LOAD, 0.25).build()));
        }
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-i", clientId,
                "-t", "hebei/" + clientId + "/HEALTH/status", "-m", "forged", "-q", "1"));
        cmd.addAll(login);
        return Cli.run(dir, cmd);
    }
}
