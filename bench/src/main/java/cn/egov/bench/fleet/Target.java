package cn.egov.bench.fleet;

import cn.egov.manager.broker.PasswordFile;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fleet publishes to, as its own process: Mosquitto with the shipped configuration and a null
 * subscriber, or {@code manager run} with its embedded broker storing into its store. Both let the boxes
 * in with the same per-box passwords (user name = client id = unit code).
 */
abstract class Target implements AutoCloseable {

    /** The manager's ingest client id (image/mosquitto/egov.acl grants it every topic). */
    static final String MANAGER = "egov-manager";

    final String name;
    final Process process;
    final int port;

    Target(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** Messages the far end has: the null subscriber's distinct count, or the store's rows. */
    abstract long stored() throws Exception;

    /**
     * What the far end reports having, cheap enough to poll twice a second; {@link #stored()} unless the far
     * end can say so without a count of everything (the manager's own meter).
     */
    long progress() throws Exception {
        return stored();
    }

    /** Extra detail for the report (duplicates, queue). */
    abstract String detail() throws Exception;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitListening(Process p, int port, Path log) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (!p.isAlive()) {
                throw new IOException("exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("nothing listens on " + port + " after 120 s; see " + log);
    }

    static void writePasswords(Path file, Map<String, String> passwords) throws IOException {
        StringBuilder b = new StringBuilder();
        passwords.forEach((user, password) -> b.append(PasswordFile.line(user, password)).append('\n'));
        Files.writeString(file, b);
    }

    @Override
    public void close() throws Exception {
        long t0 = System.nanoTime();
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            System.out.printf("  %s: stopped %.1f s after SIGTERM%n", name, (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.printf("  %s: DID NOT STOP within 60 s of SIGTERM: killed%n", name);
            process.destroyForcibly();
        }
    }

    /** Mosquitto with {@code image/mosquitto/egov.conf} (port, folders and password file changed only) and a null subscriber. */
    static final class Mosquitto extends Target {
        private final NullSubscriber subscriber;

        private Mosquitto(Process process, int port, NullSubscriber subscriber) {
            super("mosquitto", process, port);
            this.subscriber = subscriber;
        }

        static Mosquitto start(Path dir, Map<String, String> passwords) throws Exception {
            Files.createDirectories(dir);
            Path docs = Path.of("image", "mosquitto");
            int port = freePort();
            String conf = Files.readString(docs.resolve("egov.conf"))
                    .replace("listener 1883 127.0.0.1", "listener " + port + " 127.0.0.1")
                    .replace("persistence_location /var/lib/mosquitto/", "persistence_location " + dir + "/")
                    .replace("password_file /etc/mosquitto/egov.passwd", "password_file " + dir.resolve("egov.passwd"))
                    .replace("acl_file /etc/mosquitto/egov.acl", "acl_file " + dir.resolve("egov.acl"));
            Files.writeString(dir.resolve("egov.conf"), conf);
            Files.copy(docs.resolve("egov.acl"), dir.resolve("egov.acl"));
            writePasswords(dir.resolve("egov.passwd"), passwords);
            if ("root".equals(System.getProperty("user.name"))) { // mosquitto started as root drops to its own user
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.setOwner(p, users.lookupPrincipalByName("mosquitto"));
                    }
                }
                Files.setOwner(dir, users.lookupPrincipalByName("mosquitto"));
            }
            Path log = dir.resolve("mosquitto.log");
            Process p = new ProcessBuilder("mosquitto", "-c", dir.resolve("egov.conf").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitListening(p, port, log);
            // its own thread, as the manager is its own process: not one of the boxes' two
            return new Mosquitto(p, port, NullSubscriber.connect("127.0.0.1", port, MANAGER, passwords.get(MANAGER)));
        }

        @Override
        long stored() {
            return subscriber.distinct();
        }

        @Override
        String detail() {
            return "null subscriber received " + subscriber.received() + " (distinct " + subscriber.distinct() + ")";
        }

        @Override
        public void close() throws Exception {
            subscriber.close();
            super.close();
        }
    }

    /**
     * {@code manager run} (its own JVM, this class path) with the embedded broker's plain lab listener, storing into
     * SQLite, or into PostgreSQL when {@code -Dfleet.manager.db-url=jdbc:postgresql://…} (with {@code fleet.manager.db-user}
     * and {@code fleet.manager.db-password}) names an empty database.
     */
    static final class Manager extends Target {
        private final String url;
        private final String user;
        private final String password;
        /** {@code GET /metrics} of the manager, read with the NOC's token. */
        private final URI metrics;
        private final String token;

        private Manager(Process process, int port, String url, String user, String password, URI metrics, String token) {
            super("manager", process, port);
            this.url = url;
            this.user = user;
            this.password = password;
            this.metrics = metrics;
            this.token = token;
        }

        /** The line {@code manager run} prints once its web server is up. */
        private static final Pattern FLEET_URL = Pattern.compile("fleet: (http\\S+)/fleet");
        private static final Pattern STORED_METER = Pattern.compile("^ingest_stored_total(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        private final HttpClient http = HttpClient.newHttpClient();

        /** @param settings more lines of its configuration, e.g. {@code ingest.in-vm = false} */
        static Manager start(Path dir, Map<String, String> passwords, String heap, List<String> settings) throws Exception {
            Files.createDirectories(dir);
            int port = freePort();
            Path passwordFile = dir.resolve("boxes.passwd");
            writePasswords(passwordFile, passwords);
            Path config = dir.resolve("manager.properties");
            String url = System.getProperty("fleet.manager.db-url", "jdbc:sqlite:" + dir.resolve("data/manager.db"));
            String user = System.getProperty("fleet.manager.db-user", "");
            String password = System.getProperty("fleet.manager.db-password", "");
            String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            List<String> lines = new ArrayList<>(List.of("data.dir = " + dir.resolve("data"), "web.port = 0", "auth.noc.token = " + token,
                    "broker.port = " + port, "broker.plain.enabled = true", "broker.plain.password-file = " + passwordFile));
            if (url.startsWith("jdbc:postgresql:")) {
                lines.addAll(List.of("db.url = " + url, "db.user = " + user, "db.password = " + password));
            }
            lines.addAll(settings);
            lines.add("");
            Files.writeString(config, String.join("\n", lines));
            // the manager refuses a configuration with a secret that others can read
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Path out = dir.resolve("manager.out");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (!heap.equals("shipped")) {
                command.add("-Xmx" + heap);
            }
            // e.g. -Dfleet.manager.jvm=-XX:StartFlightRecording=settings=profile,filename=/tmp/m.jfr to profile the manager
            String extra = System.getProperty("fleet.manager.jvm", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "cn.egov.manager.cli.ManagerCommand", "run", "-c", config.toString()));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            for (int i = 0; i < 1200 && !Files.readString(out).contains("fleet: http"); i++) {
                if (!p.isAlive()) {
                    throw new IOException("manager run exited with " + p.exitValue() + ": " + Files.readString(out));
                }
                Thread.sleep(100);
            }
            awaitListening(p, port, out);
            Matcher fleet = FLEET_URL.matcher(Files.readString(out));
            if (!fleet.find()) {
                throw new IOException("manager run did not print its fleet page's address: " + out);
            }
            return new Manager(p, port, url, user, password, URI.create(fleet.group(1) + "/metrics"), token);
        }

        private long count(String sql) throws Exception {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        long stored() throws Exception {
            // both tables have a unique index on (client_id, msg_epoch, msg_seq): a row is a distinct message
            return count("SELECT (SELECT count(*) FROM health_samples) + (SELECT count(*) FROM alarms WHERE kind = 'bench.fleet')");
        }

        /**
         * The manager's {@code ingest_stored_total}: new rows counted after each batch's commit. Polling
         * {@link #stored()} instead counted the growing table twice a second, which in PostgreSQL is a
         * parallel scan of up to a million rows (~0.2 s of two workers each time) competing with the drain it
         * measures; the exact count still confirms the end.
         */
        @Override
        long progress() throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = STORED_METER.matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                throw new IOException("the manager's " + metrics + " answered " + r.statusCode() + " without ingest_stored_total");
            }
            return (long) Double.parseDouble(m.group(1));
        }

        @Override
        String detail() throws Exception {
            return "store: " + count("SELECT count(*) FROM health_samples") + " health rows, "
                    + count("SELECT count(*) FROM alarms WHERE kind = 'bench.fleet'") + " alarm rows";
        }
    }
}
