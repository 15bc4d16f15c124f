package cn.egov.manager.support;

import cn.egov.manager.store.Database;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's {@code postgresql} package: {@code initdb} into a
 * temporary folder, {@code pg_ctl start} on a free loopback port (and a Unix socket in the same
 * folder), one superuser with a random password (SCRAM), removed as the test JVM exits. PostgreSQL
 * refuses to run as root, so as root the folder belongs to Debian's {@code postgres} user and the
 * commands run as that user ({@code setpriv}; {@code runuser}'s PAM session once left the whole test
 * JVM's process group stopped). One cluster per test JVM ({@link #shared()}); each
 * test takes a fresh database of its own ({@link #newDatabase()}).
 *
 * <p>Durability is switched off ({@code fsync}, {@code synchronous_commit}): these are behaviour
 * tests on two shared cores; speed is measured in {@code bench/} with the defaults.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "egov";

    private static PostgresServer shared;

    private final Path dir;
    private final Path bin;
    private final int port;
    private final String password;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path dir, Path bin, int port, String password) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.password = password;
    }

    /** The cluster of this test JVM, started at the first call and removed when the JVM exits. */
    public static synchronized PostgresServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = start();
            PostgresServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::removeDetached, "postgres-cleanup"));
        }
        return shared;
    }

    /** A new cluster; the caller closes it (stops the server and deletes its folder). */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("egov-pg-");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        }
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        if (root) {
            Files.setOwner(pwfile, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        }
        run(root, dir, List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync"));
        Files.delete(pwfile);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            try {
                run(root, dir, List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                        "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start", "-o",
                        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                                + " -c full_page_writes=off -c max_connections=200"));
                return new PostgresServer(dir, bin, port, password);
            } catch (IOException e) {
                last = e; // the port was taken between the probe and the start: try another
            }
        }
        throw last;
    }

    /** A new, empty database of this cluster, opened (and so migrated) as the manager opens its store. */
    public Database newDatabase() throws SQLException {
        return Database.open(createDatabase(), USER, password);
    }

    /** Creates an empty database and returns its JDBC URL (user {@link #USER}, {@link #password()}). */
    public String createDatabase() throws SQLException {
        String name = "t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            run("root".equals(System.getProperty("user.name")), dir, List.of(bin.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException | InterruptedException e) {
            System.err.println("postgres test cluster in " + dir + " did not stop: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("postgres test cluster folder " + dir + " not removed: " + e.getMessage());
        }
    }

    /**
     * Stops the server and deletes its folder in a process of its own that outlives the test JVM, not
     * waited for: done in the shutdown hook itself, a full manager suite's exit on a loaded machine
     * outlasted Surefire's 30 s exit timeout, the fork was killed while the hook was deleting the
     * cluster's folder (about 120 MB), and the folder stayed behind.
     */
    private void removeDetached() {
        List<String> full = new ArrayList<>(List.of("setsid"));
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        full.addAll(List.of("sh", "-c", "\"$0\" -D \"$1/data\" -m immediate -w stop; rm -rf \"$1\"",
                bin.resolve("pg_ctl").toString(), dir.toString()));
        try {
            new ProcessBuilder(full).directory(Path.of("/").toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.err.println("postgres test cluster in " + dir + " not removed: " + e.getMessage());
        }
    }

    /** The newest PostgreSQL of Debian's package ({@code /usr/lib/postgresql/<major>/bin}). */
    private static Path binaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            throw new IOException("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .orElseThrow(() -> new IOException("no initdb under " + base));
        }
    }

    private static void run(boolean root, Path dir, List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        // setsid: the commands and the server get a session of their own, so nothing they do can stop
        // or signal the test JVM's process group; setpriv (not runuser/su): no PAM session, no terminal
        full.add("setsid");
        if (root) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        full.addAll(command);
        Path out = Files.createTempFile("egov-pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
