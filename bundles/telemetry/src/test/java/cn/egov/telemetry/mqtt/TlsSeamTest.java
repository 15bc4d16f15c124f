package cn.egov.telemetry.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.MosquittoBroker;
import cn.egov.telemetry.RecordingSubscriber;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.TestIds;
import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS seam is asked at every connect (so a renewed client certificate applies from the next
 * connection on); a source that has nothing yet (null) leaves the connection as configured.
 */
class TlsSeamTest {
    @TempDir
    Path dir;

    @Test
    void socketFactorySourceIsAskedAtEveryConnect() throws Exception {
        int port = MosquittoBroker.freePort();
        AtomicInteger asked = new AtomicInteger();
        try (MosquittoBroker broker = MosquittoBroker.on(dir.resolve("broker"), port, true)) {
            broker.start();
            String birth = KuraTopic.birth("hebei", TestIds.UNIT).toString();
            Map<String, String> conf = TestIds.config(broker.url(), dir.resolve("outbox.db"), 3600);
            TelemetrySettings plain = TelemetrySettings.parse(TestIds.values(conf));
            TelemetrySettings seamed = new TelemetrySettings(plain.mqtt().withTls(() -> {
                asked.incrementAndGet();
                return null;
            }), plain.outbox(), plain.healthInterval());
            RecordingSubscriber first = new RecordingSubscriber(broker.url(), "noc-tls", true, birth);
            try (TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)), seamed, "none")) {
                assertNotNull(first.next(20_000), "BIRTH of the first connection");
                assertEquals(1, asked.get());
                broker.stop();
                broker.start();
                // Same persistent session: a BIRTH published before this subscriber is back is queued for it.
                try (RecordingSubscriber second = new RecordingSubscriber(broker.url(), "noc-tls", true, birth)) {
                    assertNotNull(second.next(30_000), "BIRTH after reconnecting");
                }
                // the BIRTH above may be the first one redelivered from the broker's persisted session, before the
                // box's own reconnect (backoff under load): wait for the reconnect itself
                long until = System.currentTimeMillis() + 30_000;
                while (asked.get() < 2 && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
                assertTrue(asked.get() >= 2, "asked again at the reconnect, got " + asked.get());
            } finally {
                try {
                    first.close();
                } catch (Exception ignored) {
                    // its connection died with the first broker
                }
            }
        }
    }
}
