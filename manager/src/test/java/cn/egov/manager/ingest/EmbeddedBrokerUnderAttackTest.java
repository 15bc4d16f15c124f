package cn.egov.manager.ingest;

import static cn.egov.manager.ingest.AttackClients.REFUSED;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TlsBox;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AttackedIngestScenario} against the real manager with its embedded broker (TLS, lab and internal listeners). */
class EmbeddedBrokerUnderAttackTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandMessagesOverTlsStoredExactlyOnceWhileAnAttackerTriesEveryListener() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "attack test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly m = ManagerAssembly.start(ManagerFixture.config(dir.resolve("manager")).with(ConfigKey.BROKER_TLS_PORT, 0),
                     ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            Map<String, TlsBox> boxes = AttackedIngestScenario.certificates(ca, dir.resolve("pki"));
            TlsBox attacker = TlsBox.issue(ca, "130602-900", dir.resolve("pki")); // a real box of the province, just not the victim
            String attackerLab = ManagerFixture.labPassword(m, "130602-900");
            String tls = m.brokerTlsUrl();
            int tlsPort = URI.create(tls).getPort();
            int plainPort = URI.create(m.brokerUrl()).getPort();
            String internal = m.broker().internalUrl();
            int internalPort = URI.create(internal).getPort();
            Path pki = dir.resolve("pki");
            String manager = AttackedIngestScenario.MANAGER_ID;
            List<AttackedIngestScenario.Attempt> attempts = List.of(
                    victim -> AttackClients.paho(tls, victim, null, null, attacker.socketFactory()) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.paho(tls, manager, null, null, attacker.socketFactory()) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.paho(internal, manager, null, null, null) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.paho(m.brokerUrl(), victim, null, null, null) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.paho(m.brokerUrl(), victim, "130602-900", attackerLab, null) == MqttException.REASON_CODE_NOT_AUTHORIZED,
                    victim -> AttackClients.pub(pki, tlsPort, victim, "hebei/" + victim + "/HEALTH/status", AttackClients.certificate(attacker)) == REFUSED,
                    victim -> AttackClients.pub(pki, plainPort, manager, "hebei/" + victim + "/HEALTH/status", List.of()) == REFUSED,
                    victim -> AttackClients.pub(pki, internalPort, manager, "hebei/" + victim + "/HEALTH/status", List.of()) == REFUSED);
            int made = AttackedIngestScenario.run(m, tls, boxes, attempts);
            System.out.printf("attacker: %d attempts, all refused; broker refusals %d%n", made, m.broker().refusals().total());
            assertTrue(m.broker().refusals().total() >= made, "every attempt refused at CONNECT and counted");
            assertTrue(m.broker().refusals().count(ConnectRefusal.RESERVED_CLIENT_ID) > 0);
            assertTrue(m.broker().refusals().count(ConnectRefusal.CLIENT_ID_MISMATCH) > 0);
            assertTrue(m.broker().refusals().count(ConnectRefusal.ANONYMOUS) > 0);
        }
    }
}
