package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AlarmGateTest {

    private static Finding finding(int i) {
        return new Finding(FindingRule.OUTBOUND, 0, "eth1", "10.1.0." + i, "198.51.100.7", "udp", 1000 + i, 53, null, null, "rule");
    }

    @Test
    void theTokenBucketLetsABurstThroughThenTheRateAndSummarisesTheRest() {
        RecordingTelemetry telemetry = new RecordingTelemetry();
        AtomicLong now = new AtomicLong(0);
        try (AlarmGate gate = new AlarmGate(telemetry, 2, 5, 1000, 60, now::get)) {
            for (int i = 0; i < 20; i++) {
                gate.found(i, finding(i)); // all at the same instant: the burst of 5 passes
            }
            assertEquals(15, gate.suppressed());
            now.addAndGet(TimeUnit.SECONDS.toNanos(3)); // 3 s at 2/s: 6 tokens, capped at the burst of 5
            for (int i = 20; i < 30; i++) {
                gate.found(i, finding(i));
            }
            assertEquals(20, gate.suppressed());
            assertEquals(30, gate.found());
        }
        long outbound = telemetry.alarms().stream().filter(a -> a.kind().equals("isolation.outbound")).count();
        assertEquals(10, outbound);
        Alarm summary = telemetry.alarms().stream().filter(a -> a.kind().equals(AlarmGate.SUPPRESSED_KIND)).findFirst().orElseThrow();
        assertEquals("1", summary.evidence().get("suppressed")); // the first refusal is summarised at once; the rest wait an interval
        assertEquals(1, telemetry.alarms().stream().filter(a -> a.kind().equals(AlarmGate.SUPPRESSED_KIND)).count());
    }

    @Test
    void aFullFlowTableIsCountedAndRaisedAndOldFlowsMayBeReportedAgain() {
        RecordingTelemetry telemetry = new RecordingTelemetry();
        try (AlarmGate gate = new AlarmGate(telemetry, 1000, 1000, 1000, 60, System::nanoTime)) {
            FlowClassifier classifier = new FlowClassifier(LabPolicy.policy(), gate, 2);
            classifier.interfaceDeclared(0, "eth1");
            cn.egov.isolation.capture.FrameDecoder decoder = new cn.egov.isolation.capture.FrameDecoder();
            cn.egov.isolation.capture.DecodedPacket p = new cn.egov.isolation.capture.DecodedPacket();
            for (int i = 0; i < 3; i++) {
                byte[] f = cn.egov.isolation.capture.FrameBuilder.ethernet("02:00:00:00:01:05", "02:00:00:00:00:fe")
                        .ip("10.1.0.5", "198.51.100." + (i + 1)).udp(1000, 5000, 0).build();
                decoder.decode(0, cn.egov.isolation.capture.LinkType.ETHERNET, 0, f, 0, f.length, f.length, p);
                classifier.classify(p);
            }
            assertEquals(1, gate.tableOverflows());
            assertEquals(3, gate.found());
        }
        assertEquals(1, telemetry.alarms().stream().filter(a -> a.kind().equals(AlarmGate.OVERFLOW_KIND)).count());
    }

    @Test
    void aFullQueueCountsWhatItCannotTakeInsteadOfBlockingCapture() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TelemetryPublisher slow = new TelemetryPublisher() {
            @Override
            public void publish(String appId, String resource, KuraPayload payload, int priority) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AlarmGate gate = new AlarmGate(slow, 1000, 1000, 4, 60, System::nanoTime);
        for (int i = 0; i < 50; i++) {
            gate.found(i, finding(i)); // returns at once although the outbox is stuck
        }
        assertTrue(gate.queueDropped() >= 50 - 4 - 1 - 1, "dropped " + gate.queueDropped());
        assertTrue(gate.queueDepth() <= 4);
        release.countDown();
        gate.close();
        assertEquals(50, gate.found());
    }
}
