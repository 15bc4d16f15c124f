package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A box process killed while connected: the broker publishes its last will on {@code $EDC/.../MQTT/LWT}. */
class LastWillTest {
    @TempDir
    Path dir;

    @Test
    void lastWillIsPublishedWhenTheBoxIsKilled() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"));
             RecordingSubscriber noc = new RecordingSubscriber(broker.url(), "noc-lwt", false,
                     KuraTopic.control("hebei", TestIds.UNIT, KuraTopic.MQTT_APP, "").toString() + "/#")) {
            Path config = BoxProcess.writeConfig(dir.resolve("box"), TestIds.config(broker.url(), dir.resolve("box/outbox.db"), 3600));
            try (BoxProcess box = BoxProcess.start(config, dir.resolve("box.out"))) {
                RecordingSubscriber.Received birth = noc.next(30_000);
                assertNotNull(birth, "BIRTH");
                assertEquals(KuraTopic.birth("hebei", TestIds.UNIT).toString(), birth.topic());
                box.kill9();
            }
            List<RecordingSubscriber.Received> after = noc.collect(r -> true, 1, 20_000);
            assertEquals(1, after.size(), "last will");
            assertEquals(KuraTopic.lastWill("hebei", TestIds.UNIT).toString(), after.get(0).topic());
            assertEquals(TestIds.UNIT, after.get(0).payload().stringMetric(BoxMetrics.UNIT_CODE));
            assertEquals(List.of(), noc.drainFor(500), "no DC from a killed box");
        }
    }
}
