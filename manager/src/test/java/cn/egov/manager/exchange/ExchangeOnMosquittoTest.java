package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.exchange.TestPki;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange on the production broker set-up: a real Mosquitto running the shipped
 * {@code image/mosquitto/egov.conf} (the manager's one user, whose user name is its client id), the
 * manager in {@code broker.mode = external}, two boxes with the real telemetry stack. The hub shares
 * ingest's one session: documents sent while the sender's backbone is down each arrive once with
 * their receipts, and ingest keeps its session all along (the boxes' BIRTHs reach the fleet; Mosquitto
 * never closes an older connection of the manager's client id).
 */
class ExchangeOnMosquittoTest {

    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode B1 = UnitCode.parse("130606-001");
    static final int BACKLOG = 100;

    @TempDir
    Path dir;

    @Test
    void documentsCrossAnExternalMosquittoOnceEachWithReceiptsWhileIngestKeepsItsSession() throws Exception {
        TestPki pki = new TestPki("Hebei test CA");
        Path trust = dir.resolve("trust.pem");
        TestPki.pem(trust, pki.root, pki.issuing, pki.sm2Ca);
        TrustAnchors anchors = new TrustAnchors(List.of(pki.root), List.of(pki.issuing, pki.sm2Ca), Clock.systemUTC());
        try (MosquittoProcess mosquitto = MosquittoProcess.start(dir.resolve("mosquitto"), List.of(A1.toString(), B1.toString()))) {
            ManagerConfig base = ManagerFixture.config(dir.resolve("manager"))
                    .with(ConfigKey.BROKER_URL, mosquitto.url()).with(ConfigKey.BROKER_MODE, "external")
                    .with(ConfigKey.BROKER_USERNAME, MosquittoProcess.MANAGER_USER)
                    .with(ConfigKey.BROKER_PASSWORD, MosquittoProcess.MANAGER_PASSWORD);
            Map<String, String> ext = new HashMap<>(base.extensions());
            ext.put(ExchangeConfigKey.TRUST_FILE.key, trust.toString());
            try (ManagerAssembly manager = ManagerAssembly.start(new ManagerConfig(base.source(), base.values(), ext),
                    ManagerAssembly.Options.defaults());
                 ExchangeBox a = new ExchangeBox(A1.toString(), dir.resolve("a"), List.of(new LocalUnit(A1, pki.signing(A1), pki.encryption(A1))),
                         anchors, mosquitto.url(), mosquitto.password(A1.toString()));
                 ExchangeBox b = new ExchangeBox(B1.toString(), dir.resolve("b"), List.of(new LocalUnit(B1, pki.sm2Signing(B1), pki.encryption(B1))),
                         anchors, mosquitto.url(), mosquitto.password(B1.toString()))) {
                a.service.register();
                b.service.register();
                Poll.until("box A knows unit " + B1 + " from the hub's directory", 30_000,
                        () -> ExchangeHubEndToEndTest.units(a).contains(B1.toString()));
                Poll.until("both boxes in the fleet (ingest sees their BIRTH)", 30_000, () -> List.of(A1, B1).stream()
                        .allMatch(u -> manager.fleet().get(u.toString()).map(s -> s.status() == BoxStatus.CONNECTED).orElse(false)));

                a.disconnect();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < BACKLOG; i++) {
                    ids.add(a.service.send(ExchangeHubEndToEndTest.doc(A1, List.of(B1), "蚊子 " + i, 7000 + i)).messageId());
                }
                a.connect(mosquitto.url());
                Poll.until(BACKLOG + " documents receipted", 180_000, () -> ids.stream()
                        .allMatch(id -> ExchangeHubEndToEndTest.state(a, id, B1) == DeliveryState.RECEIVED));

                assertEquals(BACKLOG, b.store.inbox(List.of(B1.toString()), null, 10_000).size(), "each document once in B1's inbox");
                assertEquals(BACKLOG, ExchangeHubEndToEndTest.count(manager, "SELECT COUNT(*) FROM exchange_doc"));
                assertEquals(BACKLOG, ExchangeHubEndToEndTest.count(manager, "SELECT COUNT(*) FROM exchange_delivery WHERE state = 'RECEIVED'"));
                Poll.until("every notice acknowledged", 30_000,
                        () -> ExchangeHubEndToEndTest.count(manager, "SELECT COUNT(*) FROM exchange_notice") == 0);
                assertEquals(0, ExchangeHubEndToEndTest.count(manager, "SELECT COUNT(*) FROM telemetry WHERE app_id = 'EXCHANGE'"),
                        "ingest stores no exchange message: the hub took them off the session");
                // box A came back: ingest saw its new BIRTH over the same session
                Poll.until("box A connected again in the fleet", 30_000,
                        () -> manager.fleet().get(A1.toString()).map(s -> s.status() == BoxStatus.CONNECTED).orElse(false));
            }
            String log = mosquitto.log();
            assertFalse(log.contains("Client " + MosquittoProcess.MANAGER_USER + " already connected"),
                    "Mosquitto took the manager's session over:\n" + log);
            assertFalse(log.contains("dropped"), "Mosquitto dropped messages:\n" + log);
        }
    }
}
