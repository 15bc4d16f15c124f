package cn.egov.isolation.monitor;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.capture.LiveCapture;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires live capture → classifier → alarms on the box. Reads the policy and plan at activation;
 * when they cannot be read it raises {@code isolation.monitor-failed} and does not watch (an
 * unreadable policy must be fixed, not guessed at).
 */
@Component(configurationPid = "cn.egov.isolation.monitor", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TrafficMonitorConfig.class)
public final class TrafficMonitorComponent {

    public static final String FAILED_KIND = "isolation.monitor-failed";
    private static final Logger LOG = LoggerFactory.getLogger(TrafficMonitorComponent.class);

    private final TelemetryPublisher telemetry;
    private LiveMonitor monitor;
    /** The {@link #FAILED_KIND} condition stands (raised and not cleared). */
    private boolean failed;

    @Activate
    public TrafficMonitorComponent(@Reference TelemetryPublisher telemetry, TrafficMonitorConfig config) {
        this.telemetry = telemetry;
        start(config);
    }

    @Modified
    void modified(TrafficMonitorConfig config) {
        stop();
        start(config);
    }

    @Deactivate
    void deactivate() {
        stop();
        clearFailure("the traffic monitor stopped");
    }

    private synchronized void clearFailure(String message) {
        if (failed) {
            failed = false;
            telemetry.condition(new Alarm(FAILED_KIND, Alarm.Severity.CLEARED, "isolation", message, Map.of(),
                    System.currentTimeMillis()));
        }
    }

    private synchronized void start(TrafficMonitorConfig config) {
        try {
            MonitorPolicyLoader.Loaded loaded = MonitorPolicyLoader.load(Path.of(config.policy_directory()),
                    config.plan_path().isBlank() ? null : Path.of(config.plan_path()),
                    config.unit_code().isBlank() ? null : config.unit_code(),
                    LocalDate.now(java.time.Clock.systemUTC())); // the day the enforcement and the audit count by
            List<String> interfaces = config.interfaces().length > 0 ? Arrays.asList(config.interfaces())
                    : loaded.policy().interfaceNames();
            LiveMonitor.Settings settings = new LiveMonitor.Settings(interfaces,
                    new LiveCapture.Settings(config.snap_length(), config.buffer_bytes(), config.promiscuous(),
                            config.inbound_only(), config.network_namespace().isBlank() ? null : config.network_namespace()),
                    config.flow_table(), config.alarms_per_second(), config.alarm_burst(), config.alarm_queue(),
                    config.stats_interval_s(), config.unplanned_host_table());
            monitor = LiveMonitor.start(loaded.policy(), loaded.identity(), settings, telemetry);
            clearFailure("the traffic monitor is watching");
            LOG.info("isolation monitor watching {} with policy {}", interfaces, loaded.identity());
            ClassificationPolicy.HostPlan hosts = loaded.policy().hostPlan();
            if (hosts.on()) {
                LOG.info("unplanned-host check: {}", hosts.describe());
            } else {
                LOG.warn("unplanned-host check {}", hosts.describe());
            }
        } catch (MonitorPolicyLoader.PolicyInputException | RuntimeException e) {
            LOG.error("isolation monitor not started: {}", e.getMessage());
            failed = true;
            telemetry.condition(new Alarm(FAILED_KIND, Alarm.Severity.MAJOR, "isolation",
                    "the traffic monitor is not watching: " + e.getMessage(),
                    Map.of("policy", config.policy_directory()), System.currentTimeMillis()));
        }
    }

    private synchronized void stop() {
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
    }
}
