package cn.egov.bench.ingest;

import cn.egov.manager.support.RabbitMqCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Messaging-layer probe (issue 14 item 2): the same load against each candidate, one node killed
 * with SIGKILL in the middle of it.
 *
 * <p>N boxes (Paho async, one connection each, QoS 1, window W, every box given all nodes as
 * server URIs from a random start) publish {@code perBox} messages each; one persistent-session
 * subscriber ({@code ingest-1}, clean session off, sleeping {@code slowMs} per message, so it falls
 * behind) starts on the node that is killed. When 40 % of the messages are acknowledged the victim
 * node gets SIGKILL; boxes and subscriber reconnect to a survivor (Mosquitto, a single node, is
 * restarted instead). After the load the killed node is started again and the subscriber drains
 * until nothing arrives for 15 s. Reported: acceptance rate before the kill, lost (acknowledged to a
 * box, never delivered) before and after the victim's restart, duplicates, reconnect times.
 *
 * <pre>java -cp CP cn.egov.bench.ingest.MessagingLayerProbe BOXES PER_BOX WINDOW SLOW_MS WORKDIR mosquitto|rabbitmq3|artemis3 ...</pre>
 * Every broker process the probe starts is SIGKILLed and its folder removed at the end.
 */
public final class MessagingLayerProbe {
    private static final String TOPIC_ROOT = "probe";
    private static final long QUIET_MS = 15_000;
    private static final long LOAD_TIMEOUT_MS = 600_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("artemis-node")) {
            artemisNode(args);
            return;
        }
        int boxes = Integer.parseInt(args[0]);
        int perBox = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        long slowMs = Long.parseLong(args[3]);
        Path work = Path.of(args[4]);
        for (String setup : Arrays.copyOfRange(args, 5, args.length)) {
            Path dir = work.resolve(setup + "-" + System.nanoTime());
            Files.createDirectories(dir);
            try (Cluster cluster = switch (setup) {
                case "mosquitto" -> new MosquittoNode(dir);
                case "rabbitmq3" -> new RabbitCluster(dir, 3);
                case "artemis3" -> new ArtemisCluster(dir, 3, false);
                case "artemis-ha" -> new ArtemisCluster(dir, 2, true);
                default -> throw new IllegalArgumentException("unknown setup " + setup);
            }) {
                System.out.println(setup + ": started " + cluster.urls() + "; " + loadAverage());
                run(setup, cluster, boxes, perBox, window, slowMs);
            } finally {
                deleteTree(dir);
            }
        }
        System.exit(0); // Paho's connect threads of boxes whose node was killed would keep the JVM alive
    }

    private static void run(String setup, Cluster cluster, int boxes, int perBox, int window, long slowMs) throws Exception {
        List<String> urls = cluster.urls();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Subscriber sub = new Subscriber(rotate(urls, cluster.victim()), slowMs, cluster.login());
        System.out.println(setup + ": subscriber's queue: " + cluster.describe());
        List<Box> fleet = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int b = 0; b < boxes; b++) {
            fleet.add(new Box(String.format("139900-%04d", b), rotate(urls, random.nextInt(urls.size())), perBox, window, acked,
                    cluster.login()));
        }
        long t0 = System.nanoTime();
        for (Box b : fleet) {
            b.pump(); // connects
        }
        while (fleet.stream().anyMatch(b -> !b.client.isConnected())) {
            Thread.sleep(20);
            fleet.forEach(Box::pump);
        }
        System.out.printf("%s: %d boxes connected in %.1f s%n", setup, boxes, (System.nanoTime() - t0) / 1e9);
        long total = (long) boxes * perBox;
        for (Box b : fleet) {
            b.publishing = true; // all connected first: the rate is of publishing, not of connecting
        }
        long start = System.nanoTime();
        long killAt = 0;
        long ackedAtKill = 0;
        long deadline = System.currentTimeMillis() + LOAD_TIMEOUT_MS;
        while (acked.size() < total && System.currentTimeMillis() < deadline) {
            boolean busy = false;
            for (Box b : fleet) {
                busy |= b.pump();
            }
            if (killAt == 0 && acked.size() >= total * 2 / 5) {
                ackedAtKill = acked.size();
                killAt = System.nanoTime();
                for (Box b : fleet) {
                    b.killAt = killAt;
                }
                sub.killAt = killAt;
                cluster.kill(cluster.victim());
                System.out.printf("%s: SIGKILL node %d after %d acknowledged%n", setup, cluster.victim(), ackedAtKill);
                if (cluster.restartAtOnce()) {
                    cluster.restart(cluster.victim());
                }
            }
            if (!busy) {
                Thread.sleep(1);
            }
        }
        long loadEnd = System.nanoTime();
        double rateBefore = ackedAtKill / ((killAt - start) / 1e9);
        sub.awaitQuiet(QUIET_MS);
        long lostWhileDown = acked.stream().filter(k -> !sub.seen.containsKey(k)).count();
        long lostAfter = lostWhileDown;
        if (!cluster.restartAtOnce() && lostWhileDown > 0) {
            cluster.restart(cluster.victim());
            sub.awaitQuiet(QUIET_MS);
            lostAfter = acked.stream().filter(k -> !sub.seen.containsKey(k)).count();
        }
        long dups = sub.seen.values().stream().mapToLong(n -> n - 1).sum();
        long[] reconnect = fleet.stream().mapToLong(b -> b.reconnectMs).filter(ms -> ms >= 0).sorted().toArray();
        System.out.printf("RESULT %s boxes=%d messages=%d acked=%d unacked=%d rate_before_kill=%.0f/s load_s=%.1f lost_while_down=%d "
                        + "lost_after_restart=%d delivered_unique=%d duplicates=%d boxes_reconnected=%d reconnect_ms_median=%d "
                        + "reconnect_ms_max=%d subscriber_resumed_ms=%d %s%n",
                setup, boxes, total, acked.size(), total - acked.size(), rateBefore, (loadEnd - start) / 1e9, lostWhileDown, lostAfter,
                sub.seen.size(), dups, reconnect.length, reconnect.length == 0 ? -1 : reconnect[reconnect.length / 2],
                reconnect.length == 0 ? -1 : reconnect[reconnect.length - 1], sub.resumedMs, loadAverage());
        for (Box b : fleet) {
            b.close();
        }
        sub.close();
    }

    static void login(MqttConnectOptions o, String[] login) {
        if (login != null) {
            o.setUserName(login[0]);
            o.setPassword(login[1].toCharArray());
        }
    }

    static String[] rotate(List<String> urls, int start) {
        List<String> out = new ArrayList<>(urls.subList(start, urls.size()));
        out.addAll(urls.subList(0, start));
        return out.toArray(String[]::new);
    }

    /** One simulated box: QoS 1 with a window; what was in flight when its connection died is sent again. */
    static final class Box implements MqttCallback {
        final MqttAsyncClient client;
        final String id;
        final String[] uris;
        final int perBox;
        final int window;
        final Set<String> acked;
        final Set<Integer> inflight = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Integer> retry = new ConcurrentLinkedQueue<>();
        int next;
        volatile boolean connecting;
        volatile boolean publishing;
        volatile long nextConnect;
        volatile long killAt;
        volatile long reconnectMs = -1;

        final String[] login;

        Box(String id, String[] uris, int perBox, int window, Set<String> acked, String[] login) throws Exception {
            this.id = id;
            this.login = login;
            this.uris = uris;
            this.perBox = perBox;
            this.window = window;
            this.acked = acked;
            this.client = new MqttAsyncClient(uris[0], id, new MemoryPersistence());
            client.setCallback(this);
        }

        /** Does what can be done now without waiting; true if it published something. */
        boolean pump() {
            if (!client.isConnected()) {
                if (!connecting && System.currentTimeMillis() >= nextConnect) {
                    connecting = true;
                    MqttConnectOptions o = new MqttConnectOptions();
                    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                    o.setCleanSession(true);
                    o.setServerURIs(uris);
                    o.setMaxInflight(window + 2);
                    o.setKeepAliveInterval(30);
                    o.setConnectionTimeout(10);
                    login(o, login);
                    try {
                        client.connect(o, null, new IMqttActionListener() {
                            public void onSuccess(IMqttToken t) {
                                if (killAt != 0 && reconnectMs < 0) {
                                    reconnectMs = (System.nanoTime() - killAt) / 1_000_000;
                                }
                                connecting = false;
                            }

                            public void onFailure(IMqttToken t, Throwable e) {
                                nextConnect = System.currentTimeMillis() + 200;
                                connecting = false;
                            }
                        });
                    } catch (Exception e) {
                        nextConnect = System.currentTimeMillis() + 200;
                        connecting = false;
                    }
                }
                return false;
            }
            if (!publishing) {
                return false;
            }
            boolean did = false;
            while (inflight.size() < window) {
                Integer seq = retry.poll();
                if (seq == null) {
                    if (next >= perBox) {
                        break;
                    }
                    seq = next++;
                }
                int s = seq;
                String key = id + "/" + s;
                inflight.add(s);
                MqttMessage m = new MqttMessage(key.getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                try {
                    client.publish(TOPIC_ROOT + "/" + id + "/m", m, null, new IMqttActionListener() {
                        public void onSuccess(IMqttToken t) {
                            if (inflight.remove(s)) {
                                acked.add(key);
                            }
                        }

                        public void onFailure(IMqttToken t, Throwable e) {
                            if (inflight.remove(s)) {
                                retry.add(s);
                            }
                        }
                    });
                    did = true;
                } catch (Exception e) {
                    if (inflight.remove(s)) {
                        retry.add(s);
                    }
                    break;
                }
            }
            return did;
        }

        public void connectionLost(Throwable cause) {
            for (Integer s : List.copyOf(inflight)) {
                if (inflight.remove(s)) {
                    retry.add(s); // not acknowledged: the box's outbox would send it again
                }
            }
        }

        public void messageArrived(String topic, MqttMessage message) {
        }

        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(2_000);
                }
                client.close(true);
            } catch (Exception ignored) {
                // the broker may be gone
            }
        }
    }

    /** The manager's ingest as one persistent-session subscriber that falls behind. */
    static final class Subscriber implements MqttCallback {
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        final AtomicLong lastArrival = new AtomicLong(System.currentTimeMillis());
        final MqttClient client;
        final MqttConnectOptions options = new MqttConnectOptions();
        final long slowMs;
        volatile long killAt;
        volatile long resumedMs = -1;
        volatile boolean lostConnection;
        volatile boolean closed;

        Subscriber(String[] uris, long slowMs, String[] login) throws Exception {
            this.slowMs = slowMs;
            login(options, login);
            client = new MqttClient(uris[0], "ingest-1", new MemoryPersistence());
            client.setCallback(this);
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(false);
            options.setServerURIs(uris);
            options.setKeepAliveInterval(30);
            client.connect(options);
            client.subscribe(TOPIC_ROOT + "/#", 1);
        }

        public void connectionLost(Throwable cause) {
            lostConnection = true;
            Thread t = new Thread(() -> {
                while (!closed) {
                    try {
                        client.connect(options);
                        client.subscribe(TOPIC_ROOT + "/#", 1); // again: a node that never saw the session has no subscription
                        return;
                    } catch (Exception e) {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }, "subscriber-reconnect");
            t.setDaemon(true);
            t.start();
        }

        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            String key = new String(message.getPayload(), StandardCharsets.UTF_8);
            seen.merge(key, 1, Integer::sum);
            lastArrival.set(System.currentTimeMillis());
            if (lostConnection && resumedMs < 0 && killAt != 0) {
                resumedMs = (System.nanoTime() - killAt) / 1_000_000;
            }
            if (slowMs > 0) {
                Thread.sleep(slowMs);
            }
        }

        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        void awaitQuiet(long quietMs) throws InterruptedException {
            lastArrival.set(System.currentTimeMillis());
            while (System.currentTimeMillis() - lastArrival.get() < quietMs) {
                Thread.sleep(200);
            }
        }

        void close() {
            closed = true;
            try {
                if (client.isConnected()) {
                    client.disconnect(2_000);
                }
                client.close(true);
            } catch (Exception ignored) {
                // the broker may be gone
            }
        }
    }

    /** Broker nodes the probe started: it kills and restarts them, and removes them when done. */
    interface Cluster extends AutoCloseable {
        List<String> urls();

        /** The node that is SIGKILLed mid-load (the subscriber starts on it). */
        default int victim() {
            return 0;
        }

        /** A single node comes back at once (as systemd would restart it); a cluster node only after the load. */
        default boolean restartAtOnce() {
            return false;
        }

        void kill(int node) throws Exception;

        /** User name and password of the probe's clients, or null for none. */
        default String[] login() {
            return null;
        }

        /** What the broker says about the subscriber's queue (its type), if it can say. */
        default String describe() throws Exception {
            return "-";
        }

        void restart(int node) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Mosquitto 2.0 with the shipped settings that matter here (queue limits raised, persistence on). */
    static final class MosquittoNode implements Cluster {
        final Path dir;
        final int port = freePort();
        Process process;

        MosquittoNode(Path dir) throws Exception {
            this.dir = dir;
            Files.writeString(dir.resolve("m.conf"), String.join("\n", "user root", "listener " + port + " 127.0.0.1",
                    "allow_anonymous true", "max_queued_messages 1000000", "max_queued_bytes 1000000000", "persistence true",
                    "autosave_interval 10", "persistence_location " + dir + "/", "log_dest file " + dir.resolve("m.log"), ""));
            restart(0);
        }

        public List<String> urls() {
            return List.of("tcp://127.0.0.1:" + port);
        }

        public boolean restartAtOnce() {
            return true;
        }

        public void kill(int node) throws Exception {
            process.destroyForcibly().waitFor();
        }

        public void restart(int node) throws Exception {
            process = new ProcessBuilder("mosquitto", "-c", dir.resolve("m.conf").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("m.out").toFile()).start();
            awaitPort(port, 30_000);
        }

        public void close() throws Exception {
            kill(0);
        }
    }

    /**
     * RabbitMQ 3.10 nodes on this machine, clustered ({@link RabbitMqCluster}: own node names, ports, data folders,
     * cookie and epmd); MQTT plugin with quorum queues for persistent sessions. The probe's clients log in as
     * RabbitMQ's {@code guest} (allowed from loopback only): the probe is about loss and failover, not permissions.
     */
    static final class RabbitCluster implements Cluster {
        final RabbitMqCluster mq;

        RabbitCluster(Path dir, int n) throws Exception {
            mq = RabbitMqCluster.start("probe", dir, n, null, RabbitMqCluster.Extra.NONE);
        }

        public List<String> urls() {
            return mq.mqttUrls();
        }

        public String[] login() {
            return new String[] {"guest", "guest"};
        }

        public void kill(int i) throws Exception {
            mq.kill(i);
        }

        public String describe() throws Exception {
            return mq.ctl(1, "list_queues", "name", "type", "leader", "members").lines().filter(l -> l.contains("ingest")).toList().toString();
        }

        public void restart(int i) throws Exception {
            mq.restart(i); // the node rejoins on its own
        }

        public void close() throws Exception {
            mq.close();
        }
    }

    /**
     * Artemis 2.38 nodes, each its own JVM (this class, mode artemis-node): either peers in one
     * cluster with redistribution, or a primary (node 0) with a replicating backup (node 1) that
     * takes over when the primary dies and hands back when it returns.
     */
    static final class ArtemisCluster implements Cluster {
        final boolean ha;
        final Path dir;
        final int[] mqtt;
        final int[] core;
        final Process[] nodes;

        ArtemisCluster(Path dir, int n, boolean ha) throws Exception {
            this.ha = ha;
            this.dir = dir;
            mqtt = new int[n];
            core = new int[n];
            nodes = new Process[n];
            for (int i = 0; i < n; i++) {
                mqtt[i] = freePort();
                core[i] = freePort();
            }
            try {
                for (int i = 0; i < n; i++) {
                    restart(i);
                }
                if (ha) { // the backup opens no acceptor until it takes over: wait until it has announced itself
                    long deadline = System.currentTimeMillis() + 120_000;
                    while (!Files.readString(dir.resolve("n1.out")).contains("AMQ221031")) {
                        if (System.currentTimeMillis() > deadline) {
                            throw new IllegalStateException("the backup did not announce itself");
                        }
                        Thread.sleep(200);
                    }
                } else {
                    Thread.sleep(3_000); // cluster bridges form
                }
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        public List<String> urls() {
            return Arrays.stream(mqtt).mapToObj(p -> "tcp://127.0.0.1:" + p).toList();
        }

        public void kill(int i) throws Exception {
            killTree(nodes[i]);
        }

        public void restart(int i) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), MessagingLayerProbe.class.getName(), "artemis-node",
                    dir.resolve("n" + i).toString(), Integer.toString(i), Integer.toString(mqtt[i]), Integer.toString(core[i]),
                    !ha ? "peer" : i == 0 ? "primary" : "backup"));
            for (int k = 0; k < core.length; k++) {
                if (k != i) {
                    cmd.add(Integer.toString(core[k]));
                }
            }
            nodes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("n" + i + ".out").toFile())).start();
            if (!ha || i == 0) {
                awaitPort(mqtt[i], 120_000);
            }
        }

        public void close() throws Exception {
            for (Process p : nodes) {
                if (p != null) {
                    killTree(p);
                }
            }
        }
    }

    /** One Artemis cluster node: durable journal synced before PUBACK, cluster connection to the peers, redistribution on. */
    static void artemisNode(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int index = Integer.parseInt(args[2]);
        ConfigurationImpl cfg = new ConfigurationImpl();
        cfg.setName("probe-" + index);
        cfg.setPersistenceEnabled(true);
        cfg.setSecurityEnabled(false);
        cfg.setJournalType(JournalType.NIO);
        // As the manager's ArtemisBroker: Artemis's 5 s default failed most CONNECTs of a 1,000-box
        // reconnect storm into a backup that had just taken over (AMQ850000 in the first run).
        cfg.setMqttSessionStatePersistenceTimeout(60_000);
        cfg.setJournalDirectory(dir.resolve("journal").toString());
        cfg.setBindingsDirectory(dir.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(dir.resolve("large").toString());
        cfg.setPagingDirectory(dir.resolve("paging").toString());
        cfg.addAcceptorConfiguration("mqtt", "tcp://127.0.0.1:" + args[3] + "?protocols=MQTT");
        cfg.addAcceptorConfiguration("core", "tcp://127.0.0.1:" + args[4] + "?protocols=CORE");
        cfg.addConnectorConfiguration("self", "tcp://127.0.0.1:" + args[4]);
        String role = args[5];
        if (role.equals("primary")) { // classic replication; a restarted primary finds the active backup and fails back
            cfg.setHAPolicyConfiguration(new org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration()
                    .setCheckForActiveServer(true));
        } else if (role.equals("backup")) {
            cfg.setHAPolicyConfiguration(new org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration()
                    .setAllowFailBack(true));
        }
        List<String> peers = new ArrayList<>();
        for (int k = 6; k < args.length; k++) {
            cfg.addConnectorConfiguration("peer" + k, "tcp://127.0.0.1:" + args[k]);
            peers.add("peer" + k);
        }
        cfg.setClusterUser("probe");
        cfg.setClusterPassword("probe-cluster-secret");
        cfg.addClusterConfiguration(new ClusterConnectionConfiguration().setName("probe").setConnectorName("self")
                .setStaticConnectors(peers).setMessageLoadBalancingType(MessageLoadBalancingType.ON_DEMAND)
                .setRetryInterval(500).setReconnectAttempts(-1));
        cfg.addAddressSetting("#", new AddressSettings().setRedistributionDelay(0));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(cfg);
        server.start();
        System.out.println("artemis node " + index + " started");
        Thread.sleep(Long.MAX_VALUE);
    }

    static void killTree(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on " + port);
    }

    static String loadAverage() {
        try {
            return "load " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "load ?";
        }
    }

    /** Removes a bench's scratch folder and everything in it (no-op when it is gone). */
    public static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private MessagingLayerProbe() {
    }
}
