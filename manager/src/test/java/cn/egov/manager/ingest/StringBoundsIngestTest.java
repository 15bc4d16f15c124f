package cn.egov.manager.ingest;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.StderrCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile box sends, end to end through the broker: a 100,000-character display name is
 * counted malformed and never reaches the fleet page; a newline in a metric value stays on one log line.
 */
class StringBoundsIngestTest {

    private static final String UNIT = "130602-001";

    @TempDir
    Path dir;

    @Test
    void aHugeDisplayNameIsMalformedAndANewlineInAValueIsEscapedInTheLog() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir); StderrCapture log = new StderrCapture();
             SimulatedBox box = SimulatedBox.lab(m, UNIT).connect()) {
            box.birth(60);
            box.publish(KuraTopic.birth(SimulatedBox.ACCOUNT, UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                    .metric(BoxMetrics.UNIT_CODE, UNIT).metric(BoxMetrics.DISPLAY_NAME, "长".repeat(100_000)).build()));
            box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, UNIT, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                    KuraPayloadCodec.encode(KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, "0.5\n2026-12-04T00:00:00.000+0800 [main] INFO forged").build()));
            box.flush();
            // the malformed counts move when the messages are decoded, each warning just after its count, the fleet
            // when the first BIRTH's batch has committed; the health comes through a subscription of its own
            String tooLong = "metric 'display_name' is 100000 characters, limit 128";
            String escaped = "got String 0.5\\n2026-12-04T00:00:00.000+0800 [main]";
            Poll.until("both malformed and logged, the box in the fleet", 30_000, () -> m.part(IngestPart.class).metrics().malformedCount(MalformedReason.STRING_TOO_LONG) == 1
                    && m.part(IngestPart.class).metrics().malformedCount(MalformedReason.WRONG_METRIC_TYPE) == 1 && m.fleet().get(UNIT).isPresent()
                    && log.text().contains(tooLong) && log.text().contains(escaped));
            assertEquals("测试单位 " + UNIT, m.fleet().get(UNIT).orElseThrow().displayName(), "the first BIRTH's name stays");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.fleetUrl()))
                    .header("Authorization", "Bearer " + ManagerFixture.NOC_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(page.body().length() < 20_000, "the fleet page stays small: " + page.body().length() + " characters");
            String text = log.text();
            assertTrue(text.contains(tooLong), text);
            assertTrue(text.contains(escaped), text);
            assertFalse(text.lines().anyMatch(l -> l.startsWith("2026-12-04T00:00:00.000+0800 [main]")), "no forged line:\n" + text);
        }
    }
}
