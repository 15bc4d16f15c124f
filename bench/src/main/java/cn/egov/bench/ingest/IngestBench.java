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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The ingest benchmark: health messages from 1,000 simulated boxes (each its own MQTT connection
 * and client id) are queued in the embedded Artemis broker for two persistent sessions; then, in
 * the same run and from the same broker, (A) a subscriber that stores nothing drains its copy,
 * and (B) the manager's ingestion (subscriber, queue, decoder, SQLite batch writer, fleet) drains
 * its copy into the store. Reports both rates and the ratio B / A (target ≥ 0.8).
 *
 * <pre>
 * java -cp ... cn.egov.bench.ingest.IngestBench [boxes=1000] [messagesPerBox=20] [workDir]
 * </pre>
 */
public final class IngestBench {

    private static final String ACCOUNT = "hebei";
    private static final String NULL_CLIENT = "bench-null-subscriber";
    private static final String MANAGER_CLIENT = "egov-manager";
    private static final int WINDOW = 20;
    private static final int PUBLISH_THREADS = 20;
    /** Real county-level divisions: the manager stores only units of the province. */
    private static final List<String> UNITS = Divisions.hebei().all().stream().filter(d -> d.level() == 3)
            .map(Divisions.Division::code).toList();

    public static void main(String[] args) throws Exception {
        int boxes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perBox = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("ingest-bench");
        long total = (long) boxes * perBox;
        System.out.printf("ingest bench: %d boxes x %d health messages = %d, work dir %s%n", boxes, perBox, total, work);

        // boxes on the plain listener, let in by the benchmark's gate without credentials (the cost
        // of a login is not what this measures); the consumers on the manager's internal listener
        try (ArtemisBroker broker = new ArtemisBroker(work.resolve("broker-data"), 2L << 30, new TopicAcl(ACCOUNT),
                ArtemisLauncher::benchGate, new RefusalLog(r -> { })).listenPlain("127.0.0.1", 0)) {
            broker.start();
            broker.open();
            String url = broker.internalUrl();
            String boxUrl = broker.plainUrl();
            // persistent sessions for both consumers, then away while the boxes publish
            for (String id : List.of(NULL_CLIENT, MANAGER_CLIENT)) {
                MqttClient c = new MqttClient(url, id, new MemoryPersistence());
                c.connect(persistent());
                c.subscribe(MqttIngestClient.subscriptions(ACCOUNT).toArray(String[]::new), new int[] {1, 1});
                c.disconnect();
                c.close();
            }
            long t0 = System.nanoTime();
            publish(boxUrl, boxes, perBox);
            System.out.printf("published %d QoS 1 messages in %.1f s (%.0f msg/s, broker-acknowledged)%n",
                    total, secs(t0), total / secs(t0));

            // (A) the broker's delivery rate to a subscriber that stores nothing
            AtomicLong got = new AtomicLong();
            CountDownLatch all = new CountDownLatch(1);
            MqttClient nul = new MqttClient(url, NULL_CLIENT, new MemoryPersistence());
            long[] first = new long[1];
            nul.setCallback(new MqttCallback() {
                public void connectionLost(Throwable cause) {
                }

                public void messageArrived(String topic, MqttMessage message) {
                    if (got.incrementAndGet() == 1) {
                        first[0] = System.nanoTime();
                    }
                    if (got.get() == total) {
                        all.countDown();
                    }
                }

                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            long a0 = System.nanoTime();
            nul.connect(persistent());
            if (!all.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("null subscriber got only " + got.get() + " of " + total);
            }
            double withConnectA = secs(a0);
            double rateA = total / secs(first[0]);
            nul.disconnect();
            nul.close();
            System.out.printf("A  broker -> null subscriber: %d messages in %.2f s from the first message = %.0f msg/s"
                    + " (%.2f s including connect)%n", total, total / rateA, rateA, withConnectA);

            // (B) the manager's ingestion into SQLite, same broker, its own copy of the same messages
            ManagerConfig cfg = ManagerConfig.defaults()
                    .with(ConfigKey.DATA_DIR, work.resolve("manager-data"))
                    .with(ConfigKey.BROKER_URL, url).with(ConfigKey.BROKER_MODE, "external")
                    .with(ConfigKey.BROKER_USERNAME, InternalClientGate.INTERNAL_USER).with(ConfigKey.BROKER_PASSWORD, "bench")
                    .with(ConfigKey.WEB_PORT, 0)
                    .with("ingest.client-id", MANAGER_CLIENT);
            long b0 = System.nanoTime();
            try (ManagerAssembly m = ManagerAssembly.start(cfg, ManagerAssembly.Options.defaults())) {
                long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
                long firstB = 0;
                while (m.part(IngestPart.class).metrics().stored.sum() + m.part(IngestPart.class).metrics().duplicates.sum() < total) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("manager stored only " + m.part(IngestPart.class).metrics().stored.sum() + " of " + total);
                    }
                    if (firstB == 0 && m.part(IngestPart.class).metrics().received.sum() > 0) {
                        firstB = System.nanoTime();
                    }
                    Thread.sleep(1);
                }
                double withStartB = secs(b0);
                double rateB = total / secs(firstB);
                System.out.printf("B  broker -> manager -> SQLite: %d messages in %.2f s from the first message = %.0f msg/s"
                        + " (%.2f s including the manager's start; stored %d, duplicates %d,"
                                + " batches %d, queue high-water %d, boxes %d)%n", total, total / rateB, rateB, withStartB, m.part(IngestPart.class).metrics().stored.sum(),
                        m.part(IngestPart.class).metrics().duplicates.sum(), m.part(IngestPart.class).metrics().batches.sum(),
                        ((Number) m.meters().snapshot().get("ingest.queue.high-water")).intValue(), m.fleet().list().size());
                System.out.printf("ratio B/A = %.2f (target >= 0.8)%n", rateB / rateA);
            }
        }
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

    /** Every box connects with its own client id and publishes its messages QoS 1 with a small window. */
    private static void publish(String url, int boxes, int perBox) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISH_THREADS);
        List<Future<?>> done = new ArrayList<>();
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
                        byte[] payload = KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis())
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
