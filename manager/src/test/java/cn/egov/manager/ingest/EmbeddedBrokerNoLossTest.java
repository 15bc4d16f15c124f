package cn.egov.manager.ingest;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-loss scenario against the embedded Artemis broker. */
class EmbeddedBrokerNoLossTest {

    @TempDir
    Path dir;

    @Test
    void fiftyBoxesSlowSubscriberEveryMessageStoredOnce() throws Exception {
        try (ManagerAssembly m = ManagerAssembly.start(SlowSubscriberScenario.slow(ManagerFixture.config(dir)),
                SlowSubscriberScenario.slowStore())) {
            SlowSubscriberScenario.run(m, m.brokerUrl(), unit -> ManagerFixture.labPassword(m, unit));
        }
    }
}
