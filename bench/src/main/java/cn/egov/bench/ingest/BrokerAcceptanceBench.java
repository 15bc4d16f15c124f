package cn.egov.bench.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.bench.fleet.ProcStat;
import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.PasswordFile;
import cn.egov.manager.broker.RefusalLog;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.rules.plan.Divisions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The broker's acceptance rate: how many QoS 1 publishes per second a broker acknowledges (PUBACK)
 * from many boxes at once. All boxes connect first (each its own MQTT connection and unit-code client
 * id, Paho as on the box); then every box publishes its health messages with a window of unacknowledged
 * publishes (the box's in-flight setting), the next one sent as each PUBACK arrives. Timed from the
 * start signal to the last PUBACK. In one run, one after the other: Mosquitto with the shipped
 * {@code image/mosquitto/egov.conf} (ports, folders and the password file changed only), then the
 * embedded Artemis with each journal setting asked for, or the RabbitMQ cluster of several manager nodes
 * ({@link RabbitMqAcceptance}), then Mosquitto again (the load of a shared machine drifts). The manager's
 * persistent session (RabbitMQ: the managers' quorum queue) is subscribed and away, so every message is queued
 * for it (stored durably where the broker does so), as in production while ingestion lags; it does not
 * read them: what is measured is how fast the broker takes messages in. Each round also reports the CPU time of
 * the broker's own processes per message (Mosquitto, RabbitMQ nodes; Artemis is inside this JVM).
 *
 * <pre>
 * java -cp ... cn.egov.bench.ingest.BrokerAcceptanceBench BOXES PER_BOX WINDOW WORKDIR SETTING...
 *   SETTING: mosquitto | artemis (the manager's settings) | artemis:TYPE:TIMEOUT_US[:nosync]  (TYPE NIO|MAPPED)
 *          | rabbitmq3[+TUNING...]  (3 nodes as shipped; TUNING: see RabbitMqAcceptance.Tuning)
 *   WORKDIR: empty or new (one that holds an earlier run is refused, exit 2)
 * </pre>
 */
public final class BrokerAcceptanceBench {

    private static final String ACCOUNT = "hebei";
    /** The manager's ingest client id (image/mosquitto/egov.acl grants it every topic). */
    private static final String MANAGER = "egov-manager";
    private static final List<String> UNITS = Divisions.hebei().all().stream().filter(d -> d.level() == 3)
            .map(Divisions.Division::code).toList();

    public static void main(String[] args) throws Exception {
        try {
            measure(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // the boxes' Paho threads would keep the JVM alive
        }
        System.exit(0);
    }

    private static void measure(String[] args) throws Exception {
        int boxes = Integer.parseInt(args[0]);
        int perBox = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]);
        if (Files.isDirectory(work)) {
            try (var entries = Files.list(work)) {
                if (entries.findAny().isPresent()) {
                    // an earlier run's journals, stores and password files would be reused: say so in one line
                    System.err.println("broker acceptance: work folder " + work + " holds an earlier run; give an empty or new folder");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(work);
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < boxes; b++) {
            ids.add(UNITS.get(b % UNITS.size()) + String.format("-%03d", b / UNITS.size() % 1000));
        }
        System.out.printf("broker acceptance: %d boxes x %d QoS 1 messages, window %d; %d cores, load %s%n", boxes, perBox, window,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        for (int i = 4; i < args.length; i++) {
            String setting = args[i];
            Path dir = work.resolve(i + "-" + setting.replace(':', '_'));
            Files.createDirectories(dir);
            if (setting.equals("mosquitto")) {
                try (Mosquitto m = Mosquitto.start(dir, ids)) {
                    String mosquittoUrl = "tcp://127.0.0.1:" + m.port;
                    run(setting, b -> mosquittoUrl, () -> managerAway(mosquittoUrl, MANAGER, m.passwords.get(MANAGER)), ids,
                            m.passwords, perBox, window, () -> ProcStat.treeSeconds(m.process.toHandle()));
                }
            } else if (setting.startsWith("rabbitmq3")) {
                // the managers read over AMQP: their queue is declared and bound at the start, and nobody consumes
                try (RabbitMqAcceptance r = RabbitMqAcceptance.start(setting, dir, ids)) {
                    run(setting, r::url, () -> { }, ids, r.passwords, perBox, window, r::cpuSeconds);
                    System.out.println(setting + ": " + r.queue());
                }
            } else {
                ArtemisBroker broker = new ArtemisBroker(dir, 2L << 30, new TopicAcl(ACCOUNT), ArtemisLauncher::benchGate,
                        new RefusalLog(r -> { })).listenPlain("127.0.0.1", 0);
                if (!setting.equals("artemis")) {
                    broker.journal(ArtemisBroker.JournalSettings.parse(setting.substring("artemis:".length())));
                }
                try (broker) {
                    broker.start();
                    broker.open();
                    // the manager's session on its own loopback listener, as in the manager; the broker runs in this JVM
                    run(setting, b -> broker.plainUrl(), () -> managerAway(broker.internalUrl(),
                            cn.egov.manager.broker.InternalClientGate.INTERNAL_USER, "bench"), ids, null, perBox, window, () -> 0);
                }
            }
        }
    }

    /** What the managers' ingest leaves on the broker before the boxes publish. */
    private interface ManagerAway {
        void prepare() throws Exception;
    }

    /**
     * The manager's persistent session, subscribed and away: every box message is queued for it, so the
     * broker stores it durably (Artemis: journal, synced before the PUBACK) as in production.
     */
    private static void managerAway(String url, String user, String password) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient manager = new org.eclipse.paho.client.mqttv3.MqttClient(url, MANAGER,
                new MemoryPersistence());
        MqttConnectOptions mo = new MqttConnectOptions();
        mo.setCleanSession(false);
        mo.setUserName(user);
        mo.setPassword(password.toCharArray());
        manager.connect(mo);
        manager.subscribe(new String[] {ACCOUNT + "/#", "$EDC/" + ACCOUNT + "/#"}, new int[] {1, 1});
        manager.disconnect();
        manager.close();
    }

    private static void run(String setting, IntFunction<String> boxUrl, ManagerAway away, List<String> ids,
                            java.util.Map<String, String> passwords, int perBox, int window, DoubleSupplier brokerCpu) throws Exception {
        away.prepare();
        List<MqttAsyncClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        long c0 = System.nanoTime();
        List<Future<MqttAsyncClient>> connecting = new ArrayList<>();
        for (int b = 0; b < ids.size(); b++) {
            String id = ids.get(b);
            String url = boxUrl.apply(b);
            connecting.add(pool.submit(() -> {
                MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                o.setMaxInflight(window);
                o.setConnectionTimeout(300);
                o.setKeepAliveInterval(300);
                if (passwords != null) {
                    o.setUserName(id);
                    o.setPassword(passwords.get(id).toCharArray());
                }
                c.connect(o).waitForCompletion(300_000);
                return c;
            }));
        }
        for (Future<MqttAsyncClient> f : connecting) {
            clients.add(f.get());
        }
        pool.shutdown();
        double connectS = (System.nanoTime() - c0) / 1e9;
        // a first round of a quarter of the messages, on a cold JVM and broker (the JIT compiles the
        // paths; a broker just started after an outage sees this), then the measured round
        round(setting + " (first, cold)", clients, ids, Math.max(1, perBox / 4), window, connectS, brokerCpu);
        round(setting, clients, ids, perBox, window, connectS, brokerCpu);
        ExecutorService closing = Executors.newFixedThreadPool(32);
        for (MqttAsyncClient c : clients) {
            closing.submit(() -> {
                try {
                    c.disconnectForcibly(0, 200, false);
                    c.close(true);
                } catch (Exception e) {
                    // closing at the end of a run: nothing to report
                }
            });
        }
        closing.shutdown();
        closing.awaitTermination(5, TimeUnit.MINUTES);
    }

    private static void round(String setting, List<MqttAsyncClient> clients, List<String> ids, int perBox, int window,
                              double connectS, DoubleSupplier brokerCpu) throws Exception {
        long total = (long) ids.size() * perBox;
        CountDownLatch done = new CountDownLatch(ids.size());
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long cpu0 = processCpuNanos();
        double broker0 = brokerCpu.getAsDouble();
        long t0 = System.nanoTime();
        for (int b = 0; b < clients.size(); b++) {
            new BoxPublisher(clients.get(b), ids.get(b), perBox, window, done, acked, failed).start();
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException(setting + ": only " + acked.get() + " of " + total + " acknowledged");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double broker = brokerCpu.getAsDouble() - broker0;
        // the broker's processes' CPU per acknowledged message (Artemis runs inside this JVM: 0 there, see the JVM's)
        System.out.printf("%-28s %,d acknowledged in %.2f s = %,.0f msg/s (connect of %d boxes %.1f s; failed %d;"
                + " this JVM's CPU %.1f s; broker processes' CPU %.1f s = %.0f us/msg; load %s)%n", setting, acked.get(), s,
                acked.get() / s, ids.size(), connectS, failed.get(), cpu, broker, broker * 1e6 / Math.max(1, acked.get()),
                Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One box: keeps {@code window} publishes unacknowledged, sends the next as each PUBACK arrives. */
    private static final class BoxPublisher implements IMqttActionListener {
        private final MqttAsyncClient client;
        private final String topic;
        private final String epoch = UUID.randomUUID().toString();
        private final int perBox;
        private final int window;
        private final CountDownLatch done;
        private final AtomicLong acked;
        private final AtomicLong failed;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger confirmed = new AtomicInteger();

        BoxPublisher(MqttAsyncClient client, String id, int perBox, int window, CountDownLatch done, AtomicLong acked, AtomicLong failed) {
            this.client = client;
            this.topic = ACCOUNT + "/" + id + "/HEALTH/status";
            this.perBox = perBox;
            this.window = window;
            this.done = done;
            this.acked = acked;
            this.failed = failed;
        }

        void start() {
            for (int i = 0; i < Math.min(window, perBox); i++) {
                next();
            }
        }

        private void next() {
            int n = sent.getAndIncrement();
            if (n >= perBox) {
                return;
            }
            byte[] payload = KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis())
                    .metric(BoxMetrics.CPU_LOAD, 0.2 + n % 10 / 100.0).metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + n)
                    .metric(BoxMetrics.HEAP_MAX_BYTES, 128_000_000L).metric(BoxMetrics.DISK_FREE_BYTES, 2_000_000_000L)
                    .metric(BoxMetrics.OUTBOX_DEPTH, 0L).metric(MessageId.EPOCH_METRIC, epoch)
                    .metric(MessageId.SEQUENCE_METRIC, (long) n).build());
            try {
                client.publish(topic, payload, 1, false, null, this);
            } catch (Exception e) {
                onFailure(null, e);
            }
        }

        @Override
        public void onSuccess(IMqttToken token) {
            acked.incrementAndGet();
            if (confirmed.incrementAndGet() == perBox) {
                done.countDown();
            } else {
                next();
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            failed.incrementAndGet();
            if (confirmed.incrementAndGet() == perBox) {
                done.countDown();
            } else {
                next();
            }
        }
    }

    /** Mosquitto running the shipped configuration with a free port, its own folders and the boxes' passwords. */
    private static final class Mosquitto implements AutoCloseable {
        final Process process;
        final int port;
        final java.util.Map<String, String> passwords;

        private Mosquitto(Process process, int port, java.util.Map<String, String> passwords) {
            this.process = process;
            this.port = port;
            this.passwords = passwords;
        }

        static Mosquitto start(Path dir, List<String> ids) throws IOException, InterruptedException {
            Path docs = Path.of("image", "mosquitto");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String conf = Files.readString(docs.resolve("egov.conf"))
                    .replace("listener 1883 127.0.0.1", "listener " + port + " 127.0.0.1")
                    .replace("persistence_location /var/lib/mosquitto/", "persistence_location " + dir + "/")
                    .replace("password_file /etc/mosquitto/egov.passwd", "password_file " + dir.resolve("egov.passwd"))
                    .replace("acl_file /etc/mosquitto/egov.acl", "acl_file " + dir.resolve("egov.acl"));
            Files.writeString(dir.resolve("egov.conf"), conf);
            Files.copy(docs.resolve("egov.acl"), dir.resolve("egov.acl"));
            java.util.Map<String, String> passwords = new java.util.HashMap<>();
            StringBuilder file = new StringBuilder();
            List<String> accounts = new ArrayList<>(ids);
            accounts.add(MANAGER);
            for (String id : accounts) {
                String password = UUID.randomUUID().toString();
                passwords.put(id, password);
                file.append(PasswordFile.line(id, password)).append('\n');
            }
            Files.writeString(dir.resolve("egov.passwd"), file);
            if ("root".equals(System.getProperty("user.name"))) { // mosquitto started as root drops to its own user
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.setOwner(p, users.lookupPrincipalByName("mosquitto"));
                    }
                }
                Files.setOwner(dir, users.lookupPrincipalByName("mosquitto"));
            }
            Process p = new ProcessBuilder("mosquitto", "-c", dir.resolve("egov.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return new Mosquitto(p, port, passwords);
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            p.destroyForcibly();
            throw new IOException("mosquitto did not listen on " + port + ": " + Files.readString(dir.resolve("mosquitto.log")));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
