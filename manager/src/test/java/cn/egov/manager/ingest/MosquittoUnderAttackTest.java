package cn.egov.manager.ingest;

import static cn.egov.manager.ingest.AttackClients.REFUSED;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.TlsBox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AttackedIngestScenario} with a real Mosquitto running the shipped
 * {@code image/mosquitto/tls/egov-tls.conf} and the manager as its subscriber. Mosquitto lets a
 * box with a valid certificate in under its certificate's name whatever client id it asks for
 * (use_username_as_clientid), so those attempts connect but steal nothing: the scenario's checks
 * (no victim and not the manager disconnected, no forged row) decide.
 */
class MosquittoUnderAttackTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandMessagesOverTlsStoredExactlyOnceWhileAnAttackerTriesEveryListener() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "attack test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             MosquittoProcess mosquitto = MosquittoProcess.startTls(dir.resolve("mosquitto"), ca);
             ManagerAssembly m = ManagerAssembly.start(ManagerFixture.config(dir.resolve("manager"))
                     .with(ConfigKey.BROKER_URL, mosquitto.url()).with(ConfigKey.BROKER_MODE, "external")
                     .with(ConfigKey.BROKER_USERNAME, MosquittoProcess.MANAGER_USER)
                     .with(ConfigKey.BROKER_PASSWORD, MosquittoProcess.MANAGER_PASSWORD), ManagerAssembly.Options.defaults())) {
            Path pki = dir.resolve("pki");
            Map<String, TlsBox> boxes = AttackedIngestScenario.certificates(ca, pki);
            TlsBox attacker = TlsBox.issue(ca, "130602-900", pki);
            String manager = AttackedIngestScenario.MANAGER_ID;
            List<String> nocTls = List.of("--cafile", attacker.chainPem().toString());
            List<AttackedIngestScenario.Attempt> attempts = List.of(
                    victim -> AttackClients.pub(pki, mosquitto.managerPort(), manager, "hebei/" + victim + "/HEALTH/status", List.of()) == REFUSED,
                    victim -> AttackClients.pub(pki, mosquitto.managerPort(), manager, "hebei/" + victim + "/HEALTH/status",
                            List.of("-u", MosquittoProcess.MANAGER_USER, "-P", "guess")) == REFUSED,
                    victim -> AttackClients.paho(mosquitto.url(), manager, null, null, null) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.pub(pki, mosquitto.nocPort(), victim, "hebei/" + victim + "/HEALTH/status", nocTls) == REFUSED,
                    victim -> AttackClients.pub(pki, mosquitto.tlsPort(), victim, "hebei/" + victim + "/HEALTH/status", nocTls) != 0,
                    // connects, as 130602-900: the victim keeps its session and the forged message is not written (checked at the end)
                    victim -> AttackClients.pub(pki, mosquitto.tlsPort(), victim, "hebei/" + victim + "/HEALTH/status",
                            AttackClients.certificate(attacker)) >= 0,
                    victim -> AttackClients.paho(mosquitto.tlsUrl(), manager, null, null, attacker.socketFactory()) >= 0);
            int made = AttackedIngestScenario.run(m, mosquitto.tlsUrl(), boxes, attempts);
            System.out.printf("attacker: %d attempts against Mosquitto%n", made);
        }
    }
}
