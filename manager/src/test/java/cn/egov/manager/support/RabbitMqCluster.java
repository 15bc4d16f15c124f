package cn.egov.manager.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A RabbitMQ 3.10 cluster of Debian's {@code rabbitmq-server} on this machine, for tests: each node
 * its own name, ports (AMQP, MQTT, Erlang distribution) and folder under {@code dir}, one Erlang cookie,
 * the {@code rabbitmq_mqtt} plugin without anonymous logins, and an {@code epmd} of the cluster's own on
 * a free port (so nothing of another test's or the host's RabbitMQ is touched, and closing ends only
 * processes this class started). Nodes join node 0 at their first boot (classic peer discovery);
 * {@link #kill} is {@code kill -9} of a node's processes; {@link #close} ends every node and the epmd.
 */
public final class RabbitMqCluster implements AutoCloseable {

    private static final String BIN = "/usr/lib/rabbitmq/bin/";
    private static final long START_TIMEOUT_MS = 240_000;

    private final Path dir;
    private final String prefix;
    private final int[] amqp;
    private final int[] mqtt;
    private final int[] mqtts;
    private final int[] dist;
    private final Tls tls;
    private final Extra extra;
    private final int[] management;
    private final int epmdPort;
    private final Process[] nodes;
    private Process epmd;

    /**
     * An MQTT-over-TLS listener on every node: clients must present a certificate of these CAs, and
     * the certificate's CN is the user ({@code mqtt.ssl_cert_login}, {@code ssl_cert_login_from = common_name}).
     *
     * @param caCertificates PEM: the CAs client certificates are checked against
     * @param certificate    PEM: the nodes' server certificate (and its chain)
     * @param key            PEM: its private key
     */
    public record Tls(Path caCertificates, Path certificate, Path key, Path crlDirectory) {

        public Tls(Path caCertificates, Path certificate, Path key) {
            this(caCertificates, certificate, key, null);
        }

        /**
         * The same, and a client certificate must not be revoked by a CRL in {@code crlDirectory}, read at
         * every handshake ({@code crl_check = peer}, Erlang's {@code ssl_crl_hash_dir}: files
         * {@code <issuer hash>.r0}, {@code .r1}, ...; none for the issuer = refused).
         */
        public Tls withCrlDirectory(Path dir) {
            return new Tls(caCertificates, certificate, key, dir);
        }
    }

    /**
     * More of a node's set-up: plugins besides {@code rabbitmq_mqtt} (with {@code rabbitmq_management} each
     * node's management API listens on a free loopback port, HTTPS with {@link Tls}: {@link #managementUrl}), lines for
     * {@code rabbitmq.conf}, the {@code advanced.config} entries (Erlang terms {@code {app, [...]}}), and variables
     * of the nodes' environment ({@code rabbitmq-env.conf}'s, e.g. {@code RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS}).
     */
    public record Extra(List<String> plugins, List<String> config, List<String> advanced, Map<String, String> env) {
        public static final Extra NONE = new Extra(List.of(), List.of(), List.of());

        public Extra(List<String> plugins, List<String> config, List<String> advanced) {
            this(plugins, config, advanced, Map.of());
        }
    }

    private RabbitMqCluster(String prefix, Path dir, int n, Tls tls, Extra extra) throws IOException {
        this.prefix = prefix + UUID.randomUUID().toString().substring(0, 8);
        this.dir = dir;
        this.tls = tls;
        this.extra = extra;
        this.management = new int[n];
        this.amqp = new int[n];
        this.mqtt = new int[n];
        this.mqtts = new int[n];
        this.dist = new int[n];
        this.nodes = new Process[n];
        this.epmdPort = freePort();
        for (int i = 0; i < n; i++) {
            amqp[i] = freePort();
            mqtt[i] = freePort();
            mqtts[i] = freePort();
            dist[i] = freePort();
            management[i] = freePort();
        }
    }

    /** Starts {@code n} clustered nodes and waits until all are running in one cluster. */
    public static RabbitMqCluster start(Path dir, int n) throws Exception {
        return start(dir, n, null);
    }

    /** The same, with an MQTT-over-TLS listener on each node when {@code tls} is given. */
    public static RabbitMqCluster start(Path dir, int n, Tls tls) throws Exception {
        return start(dir, n, tls, Extra.NONE);
    }

    /** The same, with {@code extra} plugins and settings on each node. */
    public static RabbitMqCluster start(Path dir, int n, Tls tls, Extra extra) throws Exception {
        return start("egovt", dir, n, tls, extra);
    }

    /** The same, the node names beginning with {@code prefix} (a benchmark's own name, to tell its nodes from others'). */
    public static RabbitMqCluster start(String prefix, Path dir, int n, Tls tls, Extra extra) throws Exception {
        RabbitMqCluster c = new RabbitMqCluster(prefix, dir, n, tls, extra);
        try {
            c.boot();
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void boot() throws Exception {
        Path cookie = dir.resolve(".erlang.cookie");
        Files.writeString(cookie, "EGOVTEST" + UUID.randomUUID().toString().replace("-", ""));
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        epmd = new ProcessBuilder("/usr/bin/epmd", "-port", Integer.toString(epmdPort)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("epmd.out").toFile()).start();
        awaitPort(epmdPort, 30_000);
        for (int i = 0; i < nodes.length; i++) {
            Path nd = Files.createDirectories(dir.resolve("n" + i));
            List<String> plugins = new ArrayList<>(List.of("rabbitmq_mqtt"));
            plugins.addAll(extra.plugins());
            Files.writeString(nd.resolve("enabled_plugins"), "[" + String.join(",", plugins) + "].\n");
            List<String> conf = new ArrayList<>(List.of(
                    "listeners.tcp.default = 127.0.0.1:" + amqp[i],
                    "mqtt.listeners.tcp.default = 127.0.0.1:" + mqtt[i],
                    "mqtt.allow_anonymous = false",
                    "mqtt.durable_queue_type = quorum",
                    "cluster_partition_handling = pause_minority",
                    "cluster_formation.peer_discovery_backend = classic_config",
                    "cluster_formation.randomized_startup_delay_range.min = 0",
                    "cluster_formation.randomized_startup_delay_range.max = 1",
                    "log.console = false",
                    "log.file.level = warning"));
            for (int j = 0; j < nodes.length; j++) {
                conf.add("cluster_formation.classic_config.nodes." + (j + 1) + " = " + node(j));
            }
            List<String> advanced = new ArrayList<>(extra.advanced());
            if (tls != null) {
                conf.addAll(List.of("mqtt.listeners.ssl.default = 127.0.0.1:" + mqtts[i], "mqtt.ssl_cert_login = true",
                        "ssl_cert_login_from = common_name"));
                if (tls.crlDirectory() == null) {
                    conf.addAll(List.of("ssl_options.cacertfile = " + tls.caCertificates(), "ssl_options.certfile = " + tls.certificate(),
                            "ssl_options.keyfile = " + tls.key(), "ssl_options.verify = verify_peer",
                            "ssl_options.fail_if_no_peer_cert = true", "ssl_options.depth = 3"));
                } else {
                    // rabbitmq.conf has no key for crl_cache, and advanced.config replaces ssl_options as a whole: all of it there
                    advanced.add("{rabbit, [{ssl_options, [{cacertfile, \"" + tls.caCertificates() + "\"}, {certfile, \"" + tls.certificate()
                            + "\"}, {keyfile, \"" + tls.key() + "\"}, {verify, verify_peer}, {fail_if_no_peer_cert, true}, {depth, 3},"
                            + " {crl_check, peer}, {crl_cache, {ssl_crl_hash_dir, {internal, [{dir, \"" + tls.crlDirectory() + "\"}]}}}]}]}");
                }
            }
            if (plugins.contains("rabbitmq_management") && tls == null) {
                conf.addAll(List.of("management.tcp.ip = 127.0.0.1", "management.tcp.port = " + management[i]));
            } else if (plugins.contains("rabbitmq_management")) {
                // with TLS the management API is HTTPS only, with the nodes' server certificate
                conf.addAll(List.of("management.ssl.ip = 127.0.0.1", "management.ssl.port = " + management[i],
                        "management.ssl.cacertfile = " + tls.caCertificates(), "management.ssl.certfile = " + tls.certificate(),
                        "management.ssl.keyfile = " + tls.key()));
            }
            conf.addAll(extra.config());
            Files.writeString(nd.resolve("rabbitmq.conf"), String.join("\n", conf) + "\n");
            Files.writeString(nd.resolve("advanced.config"), "[" + String.join(",\n ", advanced) + "].\n");
        }
        // node 0 first: the others then find it running and join it (not each a cluster of its own); one at a time,
        // because the MQTT plugin's client-id tracker (a Ra cluster, mqtt_node) refuses a second member joining while
        // the first one's join is in progress ("cluster_change_not_permitted"), and a node left out of it answers every
        // CONNECT with "server unavailable" (seen in the acceptance bench with nodes 1 and 2 started together)
        for (int i = 0; i < nodes.length; i++) {
            startNode(i);
            awaitStartup(i);
        }
        ctl(0, "await_online_nodes", Integer.toString(nodes.length), "--timeout", "120");
        for (int p : mqtt) {
            awaitPort(p, 60_000);
        }
    }

    public int size() {
        return nodes.length;
    }

    public String node(int i) {
        return prefix + "-" + i + "@localhost";
    }

    /** {@code host:port,...} of every node's AMQP listener: {@code broker.amqp.addresses}. */
    public String amqpAddresses() {
        return String.join(",", IntStream.of(amqp).mapToObj(p -> "127.0.0.1:" + p).toList());
    }

    /** Every node's MQTT-over-TLS URL (a cluster started with {@link Tls}). */
    public List<String> mqttTlsUrls() {
        return IntStream.of(mqtts).mapToObj(p -> "ssl://127.0.0.1:" + p).toList();
    }

    /** Node {@code i}'s management API (a cluster started with {@code rabbitmq_management} in {@link Extra}; HTTPS with {@link Tls}). */
    public String managementUrl(int i) {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + management[i];
    }

    /** Every node's MQTT URL, for a box's server list. */
    public List<String> mqttUrls() {
        return IntStream.of(mqtt).mapToObj(p -> "tcp://127.0.0.1:" + p).toList();
    }

    /** The environment a {@code rabbitmqctl} (or a script calling it) needs to reach node {@code i}. */
    public Map<String, String> env(int i) {
        Path nd = dir.resolve("n" + i);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString()); // the cookie
        env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        env.put("RABBITMQ_NODENAME", node(i));
        env.put("RABBITMQ_MNESIA_BASE", nd.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", nd.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", nd.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", nd.resolve("advanced.config").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", nd.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PID_FILE", nd.resolve("pid").toString());
        env.put("RABBITMQ_DIST_PORT", Integer.toString(dist[i]));
        env.putAll(extra.env());
        return env;
    }

    /** The {@code rabbitmqctl} command line for node {@code i} (for {@code RABBITMQCTL} of a script). */
    public String ctlCommand(int i) {
        return BIN + "rabbitmqctl -n " + node(i);
    }

    /** {@code rabbitmqctl ARGS} on node {@code i}; its output, or an exception with it. */
    public String ctl(int i, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(BIN + "rabbitmqctl", "-n", node(i)));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().putAll(env(i));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " on " + node(i) + ": " + out);
        }
        return out;
    }

    /** The node (index) that leads the quorum queue {@code queue}, asked of node {@code via}. */
    public int leaderOf(String queue, int via) throws IOException, InterruptedException {
        for (String line : ctl(via, "list_queues", "name", "leader", "--no-table-headers", "--quiet").lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(queue)) {
                for (int i = 0; i < nodes.length; i++) {
                    if (f[1].equals(node(i))) {
                        return i;
                    }
                }
            }
        }
        throw new IllegalStateException("no leader of " + queue + " found");
    }

    /** {@code kill -9} of node {@code i}: the Erlang VM and its helpers, no shutdown of any kind. */
    public void kill(int i) throws InterruptedException {
        Process p = nodes[i];
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts node {@code i} again after {@link #kill}: it rejoins the cluster on its own; returns once its MQTT listener is up. */
    public void restart(int i) throws IOException, InterruptedException {
        startNode(i);
        awaitPort(mqtt[i], START_TIMEOUT_MS);
    }

    /** The nodes' processes (each the root of its node's process tree), for their CPU time. */
    public List<ProcessHandle> processes() {
        return Arrays.stream(nodes).filter(Objects::nonNull).map(Process::toHandle).toList();
    }

    public boolean isAlive(int i) {
        return nodes[i] != null && nodes[i].isAlive();
    }

    private void startNode(int i) throws IOException {
        // the node's folder as working directory: Mnesia writes crash dumps there, never into the checkout
        ProcessBuilder pb = new ProcessBuilder(BIN + "rabbitmq-server").directory(dir.resolve("n" + i).toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("n" + i + ".out").toFile());
        pb.environment().putAll(env(i));
        nodes[i] = pb.start();
    }

    /** The CLI finds a node only once it has registered with epmd: ask again until it answers. */
    private void awaitStartup(int i) throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try {
                ctl(i, "await_startup", "--timeout", "120");
                return;
            } catch (IllegalStateException notYet) {
                if (System.currentTimeMillis() > deadline || !nodes[i].isAlive()) {
                    throw new IllegalStateException(notYet.getMessage() + "\n--- node output\n"
                            + Files.readString(dir.resolve("n" + i + ".out")), notYet);
                }
                Thread.sleep(1_000);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                kill(i);
            }
        }
        if (epmd != null) {
            epmd.destroyForcibly();
            epmd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + timeoutMs + " ms");
    }
}
