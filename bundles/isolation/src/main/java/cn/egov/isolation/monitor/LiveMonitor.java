package cn.egov.isolation.monitor;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.LiveCapture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live traffic monitor: one {@link LiveCapture} per zone interface, all feeding one
 * {@link FlowClassifier} (shared, so that a MAC seen on two interfaces is noticed), whose findings
 * go through an {@link AlarmGate} to telemetry. Every stats interval it publishes the capture
 * counters on {@code ISOLATION/monitor} and raises {@code isolation.capture-drops} when libpcap
 * dropped packets since the last look.
 */
public final class LiveMonitor implements AutoCloseable {

    public static final String APP_ID = "ISOLATION";
    public static final String RESOURCE = "monitor";
    public static final String DROP_ALARM = "isolation.capture-drops";

    /**
     * @param interfaces      interfaces to watch
     * @param capture         how to open them
     * @param flowTable       flows remembered for de-duplication
     * @param alarmsPerSecond alarm rate limit
     * @param alarmBurst      alarm burst
     * @param alarmQueue      bound of the queue to the publisher
     * @param statsInterval   seconds between two stats messages
     */
    public record Settings(List<String> interfaces, LiveCapture.Settings capture, int flowTable, double alarmsPerSecond,
                           int alarmBurst, int alarmQueue, int statsInterval) {
        public Settings {
            interfaces = List.copyOf(interfaces);
        }
    }

    private final TelemetryPublisher telemetry;
    private final FlowClassifier classifier;
    private final AlarmGate gate;
    private final List<LiveCapture> captures = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Map<String, Long> lastDropped = new HashMap<>();
    private final String policyIdentity;

    private LiveMonitor(ClassificationPolicy policy, String policyIdentity, Settings settings, TelemetryPublisher telemetry) {
        this.telemetry = telemetry;
        this.policyIdentity = policyIdentity;
        this.gate = new AlarmGate(telemetry, settings.alarmsPerSecond(), settings.alarmBurst(), settings.alarmQueue(),
                settings.statsInterval(), System::nanoTime);
        this.classifier = new FlowClassifier(policy, gate, settings.flowTable());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "isolation-monitor-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens every interface and starts; throws (after closing what it opened) when one cannot be opened. */
    public static LiveMonitor start(ClassificationPolicy policy, String policyIdentity, Settings settings, TelemetryPublisher telemetry) {
        LiveMonitor m = new LiveMonitor(policy, policyIdentity, settings, telemetry);
        try {
            for (int i = 0; i < settings.interfaces().size(); i++) {
                String name = settings.interfaces().get(i);
                m.classifier.interfaceDeclared(i, name);
                m.captures.add(LiveCapture.start(name, i, settings.capture(), m::classify));
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        m.scheduler.scheduleAtFixedRate(m::report, settings.statsInterval(), settings.statsInterval(), TimeUnit.SECONDS);
        return m;
    }

    private void classify(DecodedPacket p) {
        // Capture threads share the classifier (one MAC table for all interfaces); the lock is
        // uncontended most of the time and costs far less than a packet.
        synchronized (classifier) {
            classifier.classify(p);
        }
    }

    /** Counters of every interface, as libpcap reports them. */
    public List<LiveCapture.Stats> stats() {
        List<LiveCapture.Stats> all = new ArrayList<>();
        for (LiveCapture c : captures) {
            LiveCapture.Stats s = c.stats();
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    public AlarmGate gate() {
        return gate;
    }

    /** Publishes the counters and raises an alarm for new drops. */
    void report() {
        try {
            KuraPayload.Builder b = KuraPayload.builder().timestamp(System.currentTimeMillis())
                    .metric("policy", policyIdentity)
                    .metric("alarms.found", gate.found())
                    .metric("alarms.published", gate.published())
                    .metric("alarms.suppressed", gate.suppressed())
                    .metric("alarms.queue_dropped", gate.queueDropped())
                    .metric("alarms.queue_depth", (long) gate.queueDepth())
                    .metric("tables.overflows", gate.tableOverflows());
            for (LiveCapture c : captures) {
                LiveCapture.Stats s = c.stats();
                if (s == null) {
                    b.metric("capture." + c.interfaceName() + ".running", false);
                    continue;
                }
                String p = "capture." + s.interfaceName() + ".";
                b.metric(p + "running", c.running())
                        .metric(p + "received", s.received())
                        .metric(p + "dropped", s.dropped())
                        .metric(p + "dropped_by_interface", s.droppedByInterface())
                        .metric(p + "decoded", s.decoded());
                long drops = s.dropped() + s.droppedByInterface();
                long before = lastDropped.getOrDefault(s.interfaceName(), 0L);
                if (drops > before) {
                    telemetry.alarm(new Alarm(DROP_ALARM, Alarm.Severity.MAJOR, "isolation",
                            "the capture on " + s.interfaceName() + " dropped packets: the monitor did not see all traffic",
                            Map.of("interface", s.interfaceName(), "dropped", Long.toString(drops - before),
                                    "dropped_total", Long.toString(drops), "received_total", Long.toString(s.received())),
                            System.currentTimeMillis()));
                }
                lastDropped.put(s.interfaceName(), drops);
            }
            telemetry.publish(APP_ID, RESOURCE, b.build(), Priority.HEALTH);
        } catch (RuntimeException e) {
            // a failed report must not stop the next one
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        captures.forEach(LiveCapture::close);
        gate.close();
    }
}
