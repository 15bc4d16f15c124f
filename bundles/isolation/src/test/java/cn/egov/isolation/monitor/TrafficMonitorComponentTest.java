package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DS component fails closed: a policy it cannot read is an alarm, not a guess. */
class TrafficMonitorComponentTest {

    @TempDir
    Path dir;

    private static TrafficMonitorConfig config(String policyDirectory) {
        return new TrafficMonitorConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TrafficMonitorConfig.class;
            }

            @Override
            public String policy_directory() {
                return policyDirectory;
            }

            @Override
            public String plan_path() {
                return "";
            }

            @Override
            public String unit_code() {
                return "";
            }

            @Override
            public String[] interfaces() {
                return new String[0];
            }

            @Override
            public int snap_length() {
                return 128;
            }

            @Override
            public int buffer_bytes() {
                return 1 << 20;
            }

            @Override
            public boolean promiscuous() {
                return true;
            }

            @Override
            public boolean inbound_only() {
                return true;
            }

            @Override
            public String network_namespace() {
                return "";
            }

            @Override
            public int flow_table() {
                return 1024;
            }

            @Override
            public int unplanned_host_table() {
                return 64;
            }

            @Override
            public int alarms_per_second() {
                return 10;
            }

            @Override
            public int alarm_burst() {
                return 10;
            }

            @Override
            public int alarm_queue() {
                return 16;
            }

            @Override
            public int stats_interval_s() {
                return 60;
            }
        };
    }

    @Test
    void anUnreadablePolicyRaisesMonitorFailedNamingTheProblem() throws Exception {
        Path policy = Files.createDirectories(dir.resolve("policy"));
        Files.writeString(policy.resolve("10-bad.policy"), "zone internal\n    colour blue\n");
        RecordingTelemetry telemetry = new RecordingTelemetry();
        TrafficMonitorComponent c = new TrafficMonitorComponent(telemetry, config(policy.toString()));
        c.deactivate();
        List<Alarm> alarms = telemetry.alarms();
        assertEquals(2, alarms.size(), alarms.toString());
        assertEquals(TrafficMonitorComponent.FAILED_KIND, alarms.get(0).kind());
        assertEquals(Alarm.Severity.MAJOR, alarms.get(0).severity());
        assertTrue(alarms.get(0).message().contains("10-bad.policy"), alarms.get(0).message());
        // a standing condition: cleared when the component goes away (a new one raises it again while it holds)
        assertEquals(TrafficMonitorComponent.FAILED_KIND, alarms.get(1).kind());
        assertEquals(Alarm.Severity.CLEARED, alarms.get(1).severity());

        RecordingTelemetry second = new RecordingTelemetry();
        new TrafficMonitorComponent(second, config(dir.resolve("absent").toString())).deactivate();
        assertTrue(second.alarms().get(0).message().contains("absent"), second.alarms().toString());
    }
}
