package cn.egov.manager.fleet;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartKeepsFleetTest {

    @TempDir
    Path dir;

    @Test
    void restartedManagerKeepsItsFleet() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir)) {
            // box a without a will: under load its close was once not clean and its LWT reached the restarted manager
            // (DISCONNECTED); what is tested here is that the stored fleet survives the restart, not the broker's will
            try (SimulatedBox a = SimulatedBox.lab(m, "130602-001").withoutWill().connect();
                 SimulatedBox b = SimulatedBox.lab(m, "130105-002").connect()) {
                a.birth(60);
                a.health();
                b.birth(60);
                b.disconnectMessage();
                a.flush();
                b.flush();
                Poll.until("two boxes", 30_000, () -> m.fleet().get("130105-002").map(x -> x.status() == BoxStatus.DISCONNECTED).orElse(false)
                        && m.fleet().get("130602-001").map(x -> x.lastHealth() > 0 && "BIRTH".equals(x.lastStatusCause())).orElse(false));
            }
            // the boxes' DISCONNECT handled before the broker stops: a connection it still held would end with its last will
            Poll.until("only the manager's own connection left", 30_000, () -> m.broker().connections() == 1);
        }
        try (ManagerAssembly again = ManagerFixture.start(dir)) {
            assertEquals(2, again.fleet().list().size());
            BoxState a = again.fleet().get("130602-001").orElseThrow();
            assertEquals(BoxStatus.CONNECTED, a.status());
            assertEquals(60, a.healthIntervalS());
            assertEquals(0.25, ((Number) a.healthFigures().get("cpu_load")).doubleValue());
            assertEquals("竞秀区", a.place().countyName());
            BoxState b = again.fleet().get("130105-002").orElseThrow();
            assertEquals(BoxStatus.DISCONNECTED, b.status());
            assertEquals("石家庄市", b.place().cityName());
        }
    }

    /** The persistent session: what boxes publish while the manager is down reaches it after the restart. */
    @Test
    void messagesPublishedWhileTheManagerIsDownAreIngestedAfterRestart() throws Exception {
        try (MosquittoProcess mosquitto = MosquittoProcess.start(dir.resolve("mosquitto"), List.of("130602-001"))) {
            ManagerConfig cfg = ManagerFixture.config(dir.resolve("manager"))
                    .with(ConfigKey.BROKER_URL, mosquitto.url()).with(ConfigKey.BROKER_MODE, "external")
                    .with(ConfigKey.BROKER_USERNAME, MosquittoProcess.MANAGER_USER)
                    .with(ConfigKey.BROKER_PASSWORD, MosquittoProcess.MANAGER_PASSWORD);
            try (SimulatedBox box = new SimulatedBox(mosquitto.url(), "130602-001").withPassword(mosquitto.password("130602-001")).connect()) {
                try (ManagerAssembly m = ManagerAssembly.start(cfg, ManagerAssembly.Options.defaults())) {
                    box.birth(60);
                    box.flush();
                    Poll.until("birth stored", 30_000, () -> m.part(IngestPart.class).metrics().stored.sum() == 1);
                }
                for (int i = 0; i < 20; i++) {
                    box.health();
                }
                box.flush(); // acknowledged by the broker while no manager runs
                try (ManagerAssembly m = ManagerAssembly.start(cfg, ManagerAssembly.Options.defaults())) {
                    Poll.until("20 health messages after restart", 30_000, () -> m.part(IngestPart.class).metrics().stored.sum() == 20);
                    assertEquals(0.25, ((Number) m.fleet().get("130602-001").orElseThrow().healthFigures().get("cpu_load")).doubleValue());
                }
            }
        }
    }
}
