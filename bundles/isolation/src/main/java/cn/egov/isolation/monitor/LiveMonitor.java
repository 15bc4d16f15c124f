package cn.egov.isolation.monitor;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.capture.BoxInterfaces;
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
 * dropped packets since the last look. With the unit's host plan, it reads the box's own addresses
 * and MACs first (never unplanned hosts), and each LAN interface gets a second capture for DHCP.
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
                           int alarmBurst, int alarmQueue, int statsInterval, int hostTable) {
        public Settings {
            interfaces = List.copyOf(interfaces);
        }

        /** With the default bound of the unplanned-host table. */
        public Settings(List<String> interfaces, LiveCapture.Settings capture, int flowTable, double alarmsPerSecond,
                        int alarmBurst, int alarmQueue, int statsInterval) {
            this(interfaces, capture, flowTable, alarmsPerSecond, alarmBurst, alarmQueue, statsInterval, DEFAULT_HOST_TABLE);
        }
    }

    /** Unplanned hosts remembered at most (Metatype {@code unplanned_host_table}). */
    public static final int DEFAULT_HOST_TABLE = 4096;
    /**
     * Bytes kept of a DHCP frame: all of it. The main capture keeps 128 bytes (headers only), but
     * DHCP's options (option 50, the requested address) start 282 bytes into the frame; DHCP is rare,
     * so it gets a capture of its own that keeps whole frames.
     */
    static final int DHCP_SNAP_LENGTH = 1600;
    private static final String DHCP_PORTS = "udp port 67 or udp port 68";
    /** DHCP, also behind a VLAN tag ('vlan' shifts the offsets for what follows it, so it comes last). */
    static final String DHCP_FILTER = DHCP_PORTS + " or (vlan and (" + DHCP_PORTS + "))";
    static final String NOT_DHCP_FILTER = "not (" + DHCP_FILTER + ")";

    /** A capture and the name its counters go by ({@code eth1}, and {@code eth1.dhcp} for its DHCP capture). */
    private record Watched(String label, LiveCapture capture) {
    }

    private final TelemetryPublisher telemetry;
    private final FlowClassifier classifier;
    private final AlarmGate gate;
    private final List<Watched> captures = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Map<String, Long> lastDropped = new HashMap<>();
    private final String policyIdentity;
    private final String hostCheck;

    private LiveMonitor(ClassificationPolicy policy, String policyIdentity, Settings settings, TelemetryPublisher telemetry) {
        this.telemetry = telemetry;
        this.policyIdentity = policyIdentity;
        this.gate = new AlarmGate(telemetry, settings.alarmsPerSecond(), settings.alarmBurst(), settings.alarmQueue(),
                settings.statsInterval(), System::nanoTime);
        this.classifier = new FlowClassifier(policy, gate, settings.flowTable(), settings.hostTable());
        this.hostCheck = policy.hostPlan().describe();
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
            if (policy.hostPlan().on()) {
                BoxInterfaces own = BoxInterfaces.read(settings.capture().namespace());
                m.classifier.boxOwns(own.addresses().stream().map(Prefix::parse).toList(),
                        own.macs().stream().mapToLong(Long::longValue).toArray());
            }
            for (int i = 0; i < settings.interfaces().size(); i++) {
                String name = settings.interfaces().get(i);
                m.classifier.interfaceDeclared(i, name);
                if (m.classifier.checksHosts(i)) {
                    // each DHCP frame is seen once, whole, by the second capture
                    m.captures.add(new Watched(name, LiveCapture.start(name, i, settings.capture(), NOT_DHCP_FILTER, m::classify)));
                    m.captures.add(new Watched(name + ".dhcp", LiveCapture.start(name, i,
                            settings.capture().withSnapLength(DHCP_SNAP_LENGTH), DHCP_FILTER, m::classify)));
                } else {
                    m.captures.add(new Watched(name, LiveCapture.start(name, i, settings.capture(), m::classify)));
                }
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
        for (Watched w : captures) {
            LiveCapture.Stats s = w.capture().stats();
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
                    .metric("tables.overflows", gate.tableOverflows())
                    .metric("unplanned_hosts.check", hostCheck);
            synchronized (classifier) {
                b.metric("unplanned_hosts.tracked", (long) classifier.unplannedHosts())
                        .metric("unplanned_hosts.overflows", classifier.unplannedHostTableOverflows());
            }
            for (Watched w : captures) {
                LiveCapture c = w.capture();
                LiveCapture.Stats s = c.stats();
                if (s == null) {
                    b.metric("capture." + w.label() + ".running", false);
                    continue;
                }
                String p = "capture." + w.label() + ".";
                b.metric(p + "running", c.running())
                        .metric(p + "received", s.received())
                        .metric(p + "dropped", s.dropped())
                        .metric(p + "dropped_by_interface", s.droppedByInterface())
                        .metric(p + "decoded", s.decoded());
                long drops = s.dropped() + s.droppedByInterface();
                long before = lastDropped.getOrDefault(w.label(), 0L);
                if (drops > before) {
                    telemetry.alarm(new Alarm(DROP_ALARM, Alarm.Severity.MAJOR, "isolation",
                            "the capture on " + s.interfaceName() + " dropped packets: the monitor did not see all traffic",
                            Map.of("interface", s.interfaceName(), "dropped", Long.toString(drops - before),
                                    "dropped_total", Long.toString(drops), "received_total", Long.toString(s.received())),
                            System.currentTimeMillis()));
                }
                lastDropped.put(w.label(), drops);
            }
            telemetry.publish(APP_ID, RESOURCE, b.build(), Priority.HEALTH);
        } catch (RuntimeException e) {
            // a failed report must not stop the next one
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        captures.forEach(w -> w.capture().close());
        gate.close();
    }
}
