package cn.egov.bench.ingest;

import cn.egov.bench.fleet.ProcStat;
import cn.egov.manager.ingest.AmqpTopics;
import cn.egov.manager.support.RabbitMqCluster;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The several-nodes set-up the product ships (manager/README.md, "Several nodes on RabbitMQ"), for
 * {@link BrokerAcceptanceBench}: three RabbitMQ 3.10 nodes of Debian's package on this machine
 * ({@link RabbitMqCluster}: own node names {@code rmq2...}, ports, folders, cookie and epmd), the MQTT plugin
 * without anonymous logins, a user per box with the shipped permissions and topic permissions (made by
 * {@code manager/rabbitmq/egov-rabbitmq-users definitions}, imported with {@code rabbitmqctl import_definitions}),
 * and the managers' quorum queue {@code egov-manager-ingest} (3 members) declared and bound as
 * {@code AmqpIngestClient} does, with no consumer (the managers away: every box message is queued, durably).
 * A QoS 1 PUBACK from the plugin is the publisher confirm, sent once the quorum queue's Raft majority has the
 * message in its fsynced WAL. Box {@code b} connects to node {@code b mod 3} (the shipped {@code broker.order =
 * RANDOM_START} spreads boxes evenly).
 *
 * <p>The setting is {@code rabbitmq3} (the shipped configuration) followed by {@code +TUNING}s ({@link Tuning}).
 */
final class RabbitMqAcceptance implements AutoCloseable {
    static final String QUEUE = "egov-manager-ingest";
    static final String MANAGER_USER = "egov-manager";

    /** A change to the nodes' set-up tried against the shipped one; none weakens durability or the users' permissions. */
    enum Tuning {
        /** Erlang schedulers sleep instead of spinning when idle: three nodes (6 schedulers) share 2 cores. */
        NBW(List.of(), List.of(), "+sbwt none +sbwtdcpu none +sbwtdio none"),
        /** One scheduler (and one dirty CPU scheduler) per node: 3 in all on 2 cores instead of 6. */
        S1(List.of(), List.of(), "+S 1:1 +SDcpu 1:1"),
        /** Larger Ra WAL batches (default 8,192 entries): more commands per fsync. */
        WAL(List.of("raft.wal_max_batch_size = 65536"), List.of(), ""),
        /** Larger Ra segments (default 4,096 entries): fewer segment files written and synced. */
        SEG(List.of("raft.segment_max_entries = 32768"), List.of(), ""),
        /** More unconfirmed commands per channel (each MQTT connection is one) before it waits (default 32). */
        SOFT(List.of(), List.of("{rabbit, [{quorum_commands_soft_limit, 256}]}"), "");

        final List<String> config;
        final List<String> advanced;
        final String erlArgs;

        Tuning(List<String> config, List<String> advanced, String erlArgs) {
            this.config = config;
            this.advanced = advanced;
            this.erlArgs = erlArgs;
        }
    }

    final RabbitMqCluster cluster;
    final Map<String, String> passwords = new HashMap<>();
    private double[] earlier = new double[0];
    private double[] latest = new double[0];
    private long[][] earlierReductions = new long[0][];
    private long[][] latestReductions = new long[0][];

    private RabbitMqAcceptance(RabbitMqCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster of {@code setting} ({@code rabbitmq3[+TUNING...]}), with users for {@code ids} and the managers' queue. */
    static RabbitMqAcceptance start(String setting, Path dir, List<String> ids) throws Exception {
        List<Tuning> tunings = Arrays.stream(setting.split("\\+")).skip(1).map(t -> Tuning.valueOf(t.toUpperCase())).toList();
        List<String> config = new ArrayList<>();
        List<String> advanced = new ArrayList<>();
        for (Tuning t : tunings) {
            config.addAll(t.config);
            advanced.addAll(t.advanced);
        }
        String erlArgs = tunings.stream().map(t -> t.erlArgs).filter(a -> !a.isEmpty()).collect(Collectors.joining(" "));
        RabbitMqCluster.Extra extra = new RabbitMqCluster.Extra(List.of(), config, advanced,
                erlArgs.isEmpty() ? Map.of() : Map.of("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", erlArgs));
        RabbitMqAcceptance r = new RabbitMqAcceptance(RabbitMqCluster.start("rmq2", dir, 3, null, extra));
        try {
            r.provision(dir, ids);
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void provision(Path dir, List<String> ids) throws Exception {
        StringBuilder lines = new StringBuilder();
        List<String> accounts = new ArrayList<>(ids);
        accounts.add(MANAGER_USER);
        for (String id : accounts) {
            String password = UUID.randomUUID().toString();
            passwords.put(id, password);
            lines.append(id.equals(MANAGER_USER) ? "manager " : "box ").append(id).append(' ').append(password).append('\n');
        }
        Path defs = dir.resolve("defs.json");
        ProcessBuilder pb = new ProcessBuilder("manager/rabbitmq/egov-rabbitmq-users", "definitions")
                .redirectOutput(defs.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("EGOV_QUEUE", QUEUE);
        Process p = pb.start();
        p.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("egov-rabbitmq-users definitions failed");
        }
        cluster.ctl(0, "import_definitions", defs.toString());
        cluster.ctl(0, "delete_user", "guest"); // as the script's 'manager' does: no well-known account
        ConnectionFactory f = new ConnectionFactory();
        f.setUsername(MANAGER_USER);
        f.setPassword(passwords.get(MANAGER_USER));
        try (Connection c = f.newConnection(Address.parseAddresses(cluster.amqpAddresses())); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of("x-queue-type", "quorum")); // as AmqpIngestClient
            for (String key : AmqpTopics.bindings("hebei")) {
                ch.queueBind(QUEUE, AmqpTopics.EXCHANGE, key);
            }
        }
    }

    /** Box {@code b}'s node. */
    String url(int b) {
        List<String> urls = cluster.mqttUrls();
        return urls.get(b % urls.size());
    }

    /**
     * The managers' queue (type, leader, members, depth: where the messages went) and each node's CPU seconds between the
     * last two {@link #cpuSeconds} (the measured round): the leader's share against the followers' is what a cluster of
     * one node per machine would see.
     */
    String queue() throws Exception {
        Thread.sleep(6_000); // a quorum queue's depth reaches list_queues with the nodes' statistics (every 5 s)
        String q = cluster.ctl(0, "list_queues", "name", "type", "leader", "members", "messages", "--no-table-headers", "--quiet")
                .lines().filter(l -> l.startsWith(QUEUE)).findFirst().orElse("no queue " + QUEUE).replaceAll("\\s+", " ");
        StringBuilder cpu = new StringBuilder();
        for (int i = 0; i < latest.length && i < earlier.length; i++) {
            long[] r = new long[3];
            for (int k = 0; k < 3 && i < latestReductions.length && i < earlierReductions.length; k++) {
                r[k] = latestReductions[i][k] - earlierReductions[i][k];
            }
            // the share of the node's work done by its queue member and its WAL writer (reductions, a proxy for CPU)
            cpu.append(String.format(" %s %.1f s (queue member %.0f %%, WAL %.0f %% of the node's reductions)", cluster.node(i),
                    latest[i] - earlier[i], 100.0 * r[0] / Math.max(1, r[2]), 100.0 * r[1] / Math.max(1, r[2])));
        }
        return q + "; CPU per node in the measured round:" + cpu;
    }

    /**
     * CPU seconds of all nodes' processes so far; each node's is kept, with the one of the call before, and so are the
     * Erlang reductions (work units) of each node's quorum-queue member process and WAL writer against the node's total:
     * each of those is one Erlang process, so at most one core, whatever the machine.
     */
    double cpuSeconds() {
        earlier = latest;
        latest = cluster.processes().stream().mapToDouble(ProcStat::treeSeconds).toArray();
        earlierReductions = latestReductions;
        latestReductions = new long[cluster.size()][];
        for (int i = 0; i < cluster.size(); i++) {
            latestReductions[i] = reductions(i);
        }
        return Arrays.stream(latest).sum();
    }

    /** {queue member, WAL writer, whole node} reductions of node {@code i} so far. */
    private long[] reductions(int i) {
        String expr = "R = fun(N) -> case whereis(N) of undefined -> 0; P -> element(2, erlang:process_info(P, reductions)) end end, "
                + "io:format(\"~b ~b ~b~n\", [R('%2F_" + QUEUE + "'), R(ra_log_wal), element(1, erlang:statistics(reductions))]).";
        try {
            String[] f = cluster.ctl(i, "eval", expr).strip().lines().findFirst().orElse("").split(" ");
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
        } catch (Exception e) {
            return new long[] {0, 0, 0}; // the figure is then missing: the rates do not depend on it
        }
    }

    @Override
    public void close() throws InterruptedException {
        cluster.close();
    }
}
