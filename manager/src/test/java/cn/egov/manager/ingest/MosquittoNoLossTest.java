package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.MosquittoProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-loss scenario against a real Mosquitto running the documented image/mosquitto/egov.conf. */
class MosquittoNoLossTest {

    @TempDir
    Path dir;

    @Test
    void fiftyBoxesSlowSubscriberEveryMessageStoredOnce() throws Exception {
        try (MosquittoProcess mosquitto = MosquittoProcess.start(dir.resolve("mosquitto"),
                SlowSubscriberScenario.units(SlowSubscriberScenario.BOXES));
             ManagerAssembly m = ManagerAssembly.start(SlowSubscriberScenario.slow(ManagerFixture.config(dir.resolve("manager")))
                     .with(ConfigKey.BROKER_URL, mosquitto.url())
                     .with(ConfigKey.BROKER_MODE, "external")
                     .with(ConfigKey.BROKER_USERNAME, MosquittoProcess.MANAGER_USER)
                     .with(ConfigKey.BROKER_PASSWORD, MosquittoProcess.MANAGER_PASSWORD),
                     SlowSubscriberScenario.slowStore())) {
            SlowSubscriberScenario.run(m, mosquitto.url(), mosquitto::password);
            assertFalse(mosquitto.log().contains("dropped"), "mosquitto reported dropped messages:\n" + mosquitto.log());
        }
    }
}
