package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.api.Role;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.lab.NetLab;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.hub.HubUnit;
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.ChildSa;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The document exchange across the backbone, every party a real process in its own network
 * namespace, every byte between them through the real strongSwan tunnel:
 *
 * <pre>
 *   boxa (appliance, unit 130602-001) eth0 192.0.2.1 ══ IKEv2/ESP ══ wan0 192.0.2.2    ┐ hub: manager process (broker over TLS
 *   boxb (appliance, unit 130602-002) eth0 198.51.100.1 ══ IKEv2/ESP ══ wan1 198.51.100.2 ┘      8883, EST 8443, exchange hub) on 10.200.0.1
 * </pre>
 *
 * Each box is the shipped appliance (Felix, every bundle) with its box certificate from the lab's
 * provincial CA: MQTT over TLS with it, and its unit's document keys enrolled over EST with it at
 * first start (box A signs with SM2, box B with P-256). The manager is {@code manager run} with the
 * same CA. Box A's backbone link is cut; its clerk sends {@value #DEFAULT_DOCS} documents to unit
 * 130602-002 through the console's REST API; the link comes back; during the transfer box B, the hub
 * and box A are each killed with SIGKILL and started again. In the end every document is in B's
 * inbox exactly once with its file, the hub has each once, and A holds a verified receipt for each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeNetnsIT {

    static final int DEFAULT_DOCS = 1000;
    static final int DOCS = Integer.getInteger("exchange.netns.docs", DEFAULT_DOCS);
    static final UnitCode A = UnitCode.parse("130602-001");
    static final UnitCode B = UnitCode.parse("130602-002");
    static final String BACKBONE = "10.200.0.0/16";
    static final String HUB = "10.200.0.1";
    static final String PASSWORD = "correct horse 12";
    static final Duration TRANSFER = Duration.ofMinutes(20);
    /** A bound, not a speed check: processes start (manager: broker, CA, web; boxes: Felix, EST) on a shared, loaded 2-core machine. */
    static final Duration SLOW_START = Duration.ofMinutes(5);

    Path root;
    NetLab lab;
    String hubNs;
    String boxaNs;
    String boxbNs;
    BackboneTunnelLab tunnel;
    BackboneTunnelLab.ExtraBox boxbTunnel;
    Path managerConfig;
    Process manager;
    Box boxA;
    Box boxB;

    /** One box: its folders and, while it runs, its process. */
    final class Box {
        final UnitCode unit;
        final String ns;
        final Path dir;
        final Path config;
        final Path data;
        final Path log;
        Process process;
        String apiToken;

        Box(UnitCode unit, String ns) throws IOException {
            this.unit = unit;
            this.ns = ns;
            this.dir = Files.createDirectories(root.resolve("box-" + unit));
            this.config = Files.createDirectories(dir.resolve("config"));
            this.data = Files.createDirectories(dir.resolve("data"));
            this.log = dir.resolve("box.log");
        }

        void start() throws IOException {
            Path dist = Path.of(System.getProperty("appliance.dist"));
            ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, dist.resolve("bin/appliance").toString(), "run",
                    "--config", config.toString(), "--data", data.toString());
            pb.environment().put("APPLIANCE_JAVA_OPTS", "-Xmx128m");
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
        }

        /** SIGKILL, as a power cut would: no shutdown hook, no clean close of anything. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        Path store() {
            return data.resolve("exchange/exchange.db");
        }
    }

    @BeforeAll
    void lab() throws Exception {
        root = Files.createTempDirectory("exchange-netns");
        lab = NetLab.create("xch");
        hubNs = lab.host("hub");
        boxaNs = lab.host("boxa");
        boxbNs = lab.host("boxb");
        lab.link(boxaNs, "eth0", "192.0.2.1/24", hubNs, "wan0", "192.0.2.2/24");
        lab.link(boxbNs, "eth0", "198.51.100.1/24", hubNs, "wan1", "198.51.100.2/24");
        lab.exec(hubNs, "ip", "addr", "add", HUB + "/32", "dev", "lo");
        // each box's own address inside its unit's LAN, the source of its traffic into the tunnel
        lab.exec(boxaNs, "ip", "addr", "add", "10.6.8.1/32", "dev", "lo");
        lab.exec(boxbNs, "ip", "addr", "add", "10.6.9.1/32", "dev", "lo");
        tunnel = BackboneTunnelLab.start(lab, boxaNs, hubNs, root.resolve("tunnel"), A, "10.6.8.0/25", BACKBONE, "192.0.2.2",
                List.of(new HubUnit(B, List.of(TrafficSelector.parse("test", "10.6.9.0/25")))));
        // the hub answers IKE on its one backbone address (local_addrs): box B reaches it over its own link
        lab.exec(boxbNs, "ip", "route", "add", "192.0.2.2/32", "via", "198.51.100.2");
        boxbTunnel = tunnel.addBox(lab, boxbNs, root.resolve("tunnel"), B, "10.6.9.0/25", BACKBONE, "192.0.2.2");
        tunnel.boxCharon().control().loadAll();
        tunnelUp(tunnel.boxCharon().control());
        boxbTunnel.charon().control().loadAll();
        tunnelUp(boxbTunnel.charon().control());

        startManager();
        boxA = new Box(A, boxaNs);
        boxB = new Box(B, boxbNs);
        configure(boxA, "SM2");
        configure(boxB, "P256");
        boxA.start();
        boxB.start();
    }

    private void startManager() throws Exception {
        Path dir = Files.createDirectories(root.resolve("manager"));
        Path pass = Files.writeString(dir.resolve("ca.pass"), "lab passphrase\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Path trust = dir.resolve("trust.pem");
        PemFiles.write(trust, tunnel.ca().rootCertificate(), tunnel.ca().issuingCertificate(), tunnel.ca().sm2SigningCaCertificate());
        Path plan = Path.of("../rules/plan").toAbsolutePath().normalize();
        managerConfig = Files.writeString(dir.resolve("manager.properties"), String.join("\n",
                "data.dir = " + dir.resolve("data"),
                "broker.bind = " + HUB, "broker.port = 1883", "broker.tls.port = 8883", "broker.tls.ips = " + HUB,
                "web.bind = 127.0.0.1", "web.port = 8080",
                "ca.dir = " + root.resolve("tunnel/ca"), "ca.passphrase-file = " + pass, "ca.bind = " + HUB,
                "ca.est-port = 8443", "ca.http-port = 8081", "ca.est-ips = " + HUB,
                "plan.dir = " + plan,
                "exchange.trust-file = " + trust, "") + "\n");
        Files.setPosixFilePermissions(managerConfig, PosixFilePermissions.fromString("rw-------"));
        runManager();
    }

    private void runManager() throws Exception {
        Path dir = managerConfig.getParent();
        Path out = dir.resolve("manager.out");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hubNs,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                // the manager's own simplelogger.properties is shadowed by the appliance's on this class path: keep
                // Artemis's audit loggers (a line per message) quiet as the manager's distribution does
                "-Dorg.slf4j.simpleLogger.log.org.apache.activemq.audit=warn", "-cp", System.getProperty("java.class.path"),
                "cn.egov.manager.cli.ManagerCommand", "run", "--config", managerConfig.toString()));
        long before = Files.exists(out) ? Files.size(out) : 0;
        manager = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        await("the manager to start", SLOW_START, () -> {
            try {
                if (!manager.isAlive()) {
                    throw new AssertionError("manager exited " + manager.exitValue() + ":\n" + Files.readString(out));
                }
                String text = Files.readString(out);
                return text.length() > before && text.substring((int) before).contains("fleet:");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The shipped configuration, made this box's: its unit, the broker over TLS, its key store, the exchange, a clerk. */
    private void configure(Box box, String signing) throws Exception {
        Path dist = Path.of(System.getProperty("appliance.dist"));
        try (Stream<Path> files = Files.list(dist.resolve("config"))) {
            // the files only: config/setup is the setup profile (a folder), as BoxFixture reads it
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8)
                        .replace("unit.code = 130602-001", "unit.code = " + box.unit)
                        .replace("serial.number = DEMO-0001", "serial.number = LAB-" + box.unit)
                        .replace("broker.url = tcp://127.0.0.1:1883", "broker.url = ssl://" + HUB + ":8883")
                        .replace("console.bind = 0.0.0.0", "console.bind = 127.0.0.1");
                Files.writeString(box.config.resolve(f.getFileName()), text, StandardCharsets.UTF_8);
            }
        }
        Files.writeString(box.config.resolve("cn.egov.isolation.enforce.cfg"),
                "policy.directory = ${data}/no-policy\nlock.file = ${data}/nft.lock\n", StandardCharsets.UTF_8);
        Files.writeString(box.config.resolve("cn.egov.pki.cfg"), String.join("\n",
                "est.url = https://" + HUB + ":8443", "key.store.path = ${data}/pki/box.p12", "key.store.password = box pw",
                "trust.store.paths = ${data}/pki/trust", "") + "\n", StandardCharsets.UTF_8);
        Files.writeString(box.config.resolve("cn.egov.pki.mqtt.cfg"), "enabled = true\n", StandardCharsets.UTF_8);
        Files.writeString(box.config.resolve("cn.egov.exchange.cfg"), String.join("\n",
                "store.path = ${data}/exchange/exchange.db", "keys.dir = ${data}/exchange/keys", "est.url = https://" + HUB + ":8443",
                "signing.algorithm = " + signing, "tick.s = 5", "enrol.retry.s = 5", "") + "\n", StandardCharsets.UTF_8);
        // the box certificate, as 'appliance enrol' would have stored it
        KeyPair keys = KeyPairs.p256();
        X509Certificate cert = tunnel.ca().issueBox(keys.getPublic(), box.unit, null);
        Files.createDirectories(box.data.resolve("pki/trust"));
        new BoxKeyStore(box.data.resolve("pki/box.p12"), "box pw".toCharArray()).save(new BoxCredentials(keys.getPrivate(),
                List.of(cert, tunnel.ca().issuingCertificate()), List.of(tunnel.ca().rootCertificate(), tunnel.ca().issuingCertificate())));
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(box.data))) {
            Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC());
            accounts.add("clerk", PASSWORD.toCharArray(), Set.of(Role.CLERK), box.unit.toString());
            box.apiToken = accounts.newApiToken("clerk");
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (Box b : new Box[] {boxA, boxB}) {
            if (b != null && b.process != null) {
                b.kill();
            }
        }
        if (manager != null) {
            manager.destroyForcibly().waitFor();
        }
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {boxbTunnel == null ? null : boxbTunnel.charon(), tunnel, lab}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    @Test
    void documentsSentWhileTheBackboneIsDownArriveOnceWithReceiptsThoughBoxesAndHubAreKilled() throws Exception {
        await("both units registered at the hub (keys enrolled over EST through the tunnel)", SLOW_START,
                () -> count(managerDb(), "SELECT COUNT(*) FROM exchange_unit") == 2);
        await("box A knows unit B from the hub's directory", SLOW_START, () -> count(boxA.store(), "SELECT COUNT(*) FROM directory WHERE unit = '" + B + "'") == 1);

        // the backbone goes down at box A; its clerk sends the documents through the console's REST API
        lab.exec(boxaNs, "ip", "link", "set", "eth0", "down");
        Path files = Files.createDirectories(root.resolve("files"));
        Path curlConfig = root.resolve("send.curl");
        StringBuilder k = new StringBuilder();
        Random random = new Random(42);
        for (int i = 0; i < DOCS; i++) {
            byte[] body = new byte[8192];
            random.nextBytes(body);
            Path f = Files.write(files.resolve("doc-" + i + ".pdf"), body);
            if (i > 0) {
                k.append("next\n");
            }
            k.append("url = \"https://127.0.0.1:8443/exchange/api/documents\"\ninsecure\nsilent\noutput = \"/dev/null\"\n")
                    .append("write-out = \"%{http_code}\\n\"\n")
                    .append("header = \"Authorization: Bearer ").append(boxA.apiToken).append("\"\n")
                    .append("form = \"doc_number=竞教发〔2026〕").append(i).append("号\"\n")
                    .append("form = \"title=离线文件 ").append(i).append("\"\n")
                    .append("form = \"recipients=").append(B).append("\"\n")
                    .append("form = \"classification=非密\"\n")
                    .append("form = \"file=@").append(f).append(";type=application/pdf\"\n");
        }
        Files.writeString(curlConfig, k.toString(), StandardCharsets.UTF_8);
        await("box A's console", SLOW_START, () -> lab.tryExec(boxaNs, "curl", "-sk", "-o", "/dev/null", "https://127.0.0.1:8443/login").ok());
        await("box A's exchange ready", SLOW_START, () -> lab.tryExec(boxaNs, "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + boxA.apiToken, "https://127.0.0.1:8443/exchange/api/units").output().contains("200"));
        long t0 = System.nanoTime();
        NetLab.Result sent = NetLab.runResult(1800, "ip", "netns", "exec", boxaNs, "curl", "-K", curlConfig.toString());
        System.out.printf(java.util.Locale.ROOT, "%s box A stored %d documents from its clerk's REST uploads in %.1f s%n", Instant.now(), DOCS,
                (System.nanoTime() - t0) / 1e9);
        long created = sent.output().lines().filter(l -> l.equals("201")).count();
        assertEquals(DOCS, created, "every document stored on box A: " + sent.output().lines().filter(l -> !l.equals("201")).limit(5).toList());
        assertEquals(DOCS, count(boxA.store(), "SELECT COUNT(*) FROM outgoing_recipient WHERE state = 'QUEUED'"),
                "all wait on box A while its backbone is down");
        assertEquals(0, count(managerDb(), "SELECT COUNT(*) FROM exchange_doc"));

        // the backbone returns (the box's tunnel watcher would initiate the tunnel again: the lab does it here)
        lab.exec(boxaNs, "ip", "link", "set", "eth0", "up");
        tunnelUp(tunnel.boxCharon().control());
        LongSupplier received = () -> count(boxA.store(), "SELECT COUNT(*) FROM outgoing_recipient WHERE state = 'RECEIVED'");

        long t1 = System.nanoTime();
        awaitAtLeast("receipts before box B is killed", received, DOCS * 15 / 100);
        System.out.println(Instant.now() + " kill -9 box B at " + received.getAsLong() + " receipts");
        boxB.kill();
        boxB.start();
        awaitAtLeast("receipts before the hub is killed", received, DOCS * 40 / 100);
        System.out.println(Instant.now() + " kill -9 the manager (hub) at " + received.getAsLong() + " receipts");
        manager.destroyForcibly().waitFor();
        runManager();
        awaitAtLeast("receipts before box A is killed", received, DOCS * 65 / 100);
        System.out.println(Instant.now() + " kill -9 box A at " + received.getAsLong() + " receipts");
        boxA.kill();
        boxA.start();
        awaitAtLeast("every receipt", received, DOCS);
        System.out.printf(java.util.Locale.ROOT, "%s every receipt %.1f s after the link returned (three SIGKILLs and restarts included)%n",
                Instant.now(), (System.nanoTime() - t1) / 1e9);

        // exactly once: B's inbox holds each document once, with its one file; the hub took each once
        assertEquals(DOCS, count(boxB.store(), "SELECT COUNT(*) FROM incoming WHERE recipient = '" + B + "' AND state = 'RECEIVED'"));
        assertEquals(DOCS, count(boxB.store(), "SELECT COUNT(DISTINCT message_id) FROM incoming"));
        assertEquals(DOCS, count(boxB.store(), "SELECT COUNT(*) FROM incoming_part"));
        assertEquals(DOCS, count(managerDb(), "SELECT COUNT(*) FROM exchange_doc"));
        assertEquals(DOCS, count(managerDb(), "SELECT COUNT(*) FROM exchange_delivery WHERE state = 'RECEIVED'"));
        // and the sender holds a receipt for each, every one of the same set of documents
        assertEquals(DOCS, count(boxA.store(), "SELECT COUNT(*) FROM outgoing_recipient WHERE state = 'RECEIVED' AND receipt IS NOT NULL"));
        assertEquals(DOCS, count(boxA.store(), "SELECT COUNT(*) FROM outgoing"));
        // over the tunnel: box A's CHILD SA carried at least the documents
        long tunnelled = tunnel.boxCharon().control().listSas().stream().flatMap(s -> s.children().stream()).mapToLong(ChildSa::bytesOut).sum();
        System.out.println("box A's CHILD SA: " + tunnelled + " bytes out since the last rekey; SAs " + tunnel.boxCharon().control().listSas());
        assertTrue(tunnelled > 0, "box A's traffic went through the tunnel");
    }

    /**
     * Brings a box's tunnel up as its tunnel watcher would: initiate until a CHILD SA is installed
     * (right after the link returns, the old IKE SA may still be there, or traffic already set one up).
     */
    private static void tunnelUp(cn.egov.vpn.SwanctlCharon charon) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (charon.listSas().stream().flatMap(s -> s.children().stream()).noneMatch(c -> c.state().equals("INSTALLED"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the tunnel did not come up: " + charon.listSas());
            }
            try {
                charon.initiate(BackboneTunnelLab.CONNECTION);
            } catch (RuntimeException e) {
                System.out.println("initiate: " + e.getMessage() + "; trying again");
                Thread.sleep(1000);
            }
        }
    }

    private static void await(String what, Duration bound, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private void awaitAtLeast(String what, LongSupplier value, long n) throws InterruptedException {
        Instant deadline = Instant.now().plus(TRANSFER);
        long last = -1;
        while (value.getAsLong() < n) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + n + " " + what + ": " + value.getAsLong());
            }
            long v = value.getAsLong();
            if (v != last) {
                System.out.println(Instant.now() + " " + what + ": " + v + " of " + n);
                last = v;
            }
            Thread.sleep(1000);
        }
    }

    private Path managerDb() {
        return root.resolve("manager/data/manager.db");
    }

    /** A count from a SQLite file another process writes (read-only; 0 while the file or table is not there yet). */
    static long count(Path db, String sql) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

}
