package cn.egov.bench.ingest;

import cn.egov.manager.ingest.part.IngestPart;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.InternalClientGate;
import cn.egov.manager.broker.RefusalLog;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.ingest.MqttIngestClient;
import cn.egov.rules.plan.Divisions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The NOC's health graphs on the ingest path: the same health messages from simulated boxes,
 * queued once in the embedded Artemis for several persistent sessions, are drained in the same run
 * by the manager's ingestion into SQLite, alternately without ({@code noc.series.enabled = false})
 * and with the downsampler (a {@code TelemetryListener} feeding 1-minute and 1-hour buckets from its
 * own thread). Reports messages/s stored for each run (from the first message received), and for the
 * runs with graphs how long after the last stored message the graphs had every sample.
 *
 * <pre>
 * java -Xmx1g -cp ... cn.egov.bench.ingest.SeriesIngestBench [boxes=1000] [messagesPerBox=20] [rounds=2] [workDir]
 * </pre>
 */
public final class SeriesIngestBench {

    private static final String ACCOUNT = "hebei";
    private static final int WINDOW = 20;
    private static final int PUBLISH_THREADS = 20;
    private static final List<String> UNITS = Divisions.hebei().all().stream().filter(d -> d.level() == 3)
            .map(Divisions.Division::code).toList();

    public static void main(String[] args) throws Exception {
        int boxes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perBox = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("series-bench");
        long total = (long) boxes * perBox;
        System.out.printf("series ingest bench: %d boxes x %d health messages = %d, %d rounds each way, work dir %s%n",
                boxes, perBox, total, rounds, work);
        // runs alternate (off, on, off, on, ...) so a change in the machine's load hits both alike
        List<String> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            runs.add("off-" + r);
            runs.add("on-" + r);
        }
        try (ArtemisBroker broker = new ArtemisBroker(work.resolve("broker-data"), 4L << 30, new TopicAcl(ACCOUNT),
                ArtemisLauncher::benchGate, new RefusalLog(r -> { })).listenPlain("127.0.0.1", 0)) {
            broker.start();
            broker.open();
            for (String run : runs) {
                MqttClient c = new MqttClient(broker.internalUrl(), "bench-" + run, new MemoryPersistence());
                c.connect(persistent());
                c.subscribe(MqttIngestClient.subscriptions(ACCOUNT).toArray(String[]::new), new int[] {1, 1});
                c.disconnect();
                c.close();
            }
            long t0 = System.nanoTime();
            publish(broker.plainUrl(), boxes, perBox);
            System.out.printf("published %d QoS 1 messages in %.1f s%n", total, secs(t0));

            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (String run : runs) {
                boolean graphs = run.startsWith("on");
                ManagerConfig cfg = ManagerConfig.defaults()
                        .with(ConfigKey.DATA_DIR, work.resolve("manager-" + run))
                        .with(ConfigKey.BROKER_URL, broker.internalUrl()).with(ConfigKey.BROKER_MODE, "external")
                        .with(ConfigKey.BROKER_USERNAME, InternalClientGate.INTERNAL_USER).with(ConfigKey.BROKER_PASSWORD, "bench")
                        .with(ConfigKey.WEB_PORT, 0)
                        .with("ingest.client-id", "bench-" + run);
                Map<String, String> ext = new LinkedHashMap<>(cfg.extensions());
                ext.put("noc.series.enabled", Boolean.toString(graphs));
                cfg = new ManagerConfig(cfg.source(), cfg.values(), ext);
                try (ManagerAssembly m = ManagerAssembly.start(cfg, ManagerAssembly.Options.defaults())) {
                    long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
                    long first = 0;
                    while (m.part(IngestPart.class).metrics().stored.sum() + m.part(IngestPart.class).metrics().duplicates.sum() < total) {
                        if (System.currentTimeMillis() > deadline) {
                            throw new IllegalStateException(run + ": manager stored only " + m.part(IngestPart.class).metrics().stored.sum() + " of " + total);
                        }
                        if (first == 0 && m.part(IngestPart.class).metrics().received.sum() > 0) {
                            first = System.nanoTime();
                        }
                        Thread.sleep(1);
                    }
                    double rate = total / secs(first);
                    rates.computeIfAbsent(graphs ? "with graphs" : "without graphs", k -> new ArrayList<>()).add(rate);
                    String lag = "";
                    if (graphs) {
                        long stored = System.nanoTime();
                        while (number(m, "noc.series.samples") + number(m, "noc.series.dropped") < total) {
                            if (System.currentTimeMillis() > deadline) {
                                throw new IllegalStateException(run + ": graphs have " + number(m, "noc.series.samples") + " of " + total);
                            }
                            Thread.sleep(1);
                        }
                        lag = String.format("; graphs complete %.2f s after the last stored message (samples %d, dropped %d, queue capacity %d)",
                                secs(stored), number(m, "noc.series.samples"), number(m, "noc.series.dropped"),
                                number(m, "noc.series.queue.capacity"));
                    }
                    System.out.printf("%-5s graphs %-3s: %d messages stored at %.0f msg/s from the first message (queue high-water %d)%s%n",
                            run, graphs ? "on" : "off", total, rate, number(m, "ingest.queue.high-water"), lag);
                }
            }
            rates.forEach((k, v) -> System.out.printf("%s: median %.0f msg/s over %d runs %s%n", k, median(v), v.size(), v));
        }
    }

    private static long number(ManagerAssembly m, String meter) {
        Object v = m.meters().snapshot().get(meter);
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(InternalClientGate.INTERNAL_USER);
        o.setPassword("bench".toCharArray());
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setConnectionTimeout(120);
        o.setKeepAliveInterval(120);
        return o;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Each box its own connection and client id, QoS 1 with a small window; samples a minute apart in the box's time. */
    private static void publish(String url, int boxes, int perBox) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISH_THREADS);
        List<Future<?>> done = new ArrayList<>();
        long start = System.currentTimeMillis() - perBox * 60_000L;
        for (int t = 0; t < PUBLISH_THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int b = thread; b < boxes; b += PUBLISH_THREADS) {
                    String id = UNITS.get(b % UNITS.size()) + String.format("-%03d", b / UNITS.size() % 1000);
                    MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
                    MqttConnectOptions o = new MqttConnectOptions();
                    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                    o.setMaxInflight(WINDOW * 2);
                    o.setConnectionTimeout(120);
                    c.connect(o).waitForCompletion(120_000);
                    String epoch = UUID.randomUUID().toString();
                    Deque<IMqttDeliveryToken> window = new ArrayDeque<>();
                    for (int n = 0; n < perBox; n++) {
                        byte[] payload = KuraPayloadCodec.encode(KuraPayload.builder().timestamp(start + n * 60_000L)
                                .metric(BoxMetrics.CPU_LOAD, 0.2 + n % 10 / 100.0)
                                .metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + n)
                                .metric(BoxMetrics.HEAP_MAX_BYTES, 128_000_000L)
                                .metric(BoxMetrics.DISK_FREE_BYTES, 2_000_000_000L)
                                .metric(BoxMetrics.OUTBOX_DEPTH, 0L)
                                .metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, (long) n).build());
                        if (window.size() >= WINDOW) {
                            window.removeFirst().waitForCompletion(120_000);
                        }
                        window.addLast(c.publish(ACCOUNT + "/" + id + "/HEALTH/status", payload, 1, false));
                    }
                    while (!window.isEmpty()) {
                        window.removeFirst().waitForCompletion(120_000);
                    }
                    c.disconnect().waitForCompletion(10_000);
                    c.close();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
