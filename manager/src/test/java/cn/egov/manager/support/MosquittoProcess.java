package cn.egov.manager.support;

import cn.egov.manager.broker.FreePort;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto started with a shipped configuration: {@code image/mosquitto/egov.conf} (the
 * manager on loopback; boxes with passwords, for a lab) or {@code image/mosquitto/tls/egov-tls.conf}
 * (boxes with provincial CA certificates, the NOC with TLS and a password). Only ports, the
 * persistence folder and file paths are changed. Mosquitto started as root drops to the
 * {@code mosquitto} user, so the folder is handed to that user.
 */
public final class MosquittoProcess implements AutoCloseable {

    public static final String MANAGER_USER = "egov-manager";
    public static final String MANAGER_PASSWORD = "test-manager-password";
    public static final String NOC_USER = "noc-operator-1";
    /** A second operator: one user per operator, as the user name is the client id. */
    public static final String NOC_USER_2 = "noc-operator-2";
    public static final String NOC_PASSWORD = "test-noc-password";

    private Process process;
    private final Path conf;
    private final Map<String, Integer> ports;
    private final Path dir;
    private final Path log;
    private final Map<String, String> passwords;

    private MosquittoProcess(Process process, Path conf, Map<String, Integer> ports, Path dir, Path log, Map<String, String> passwords) {
        this.process = process;
        this.conf = conf;
        this.ports = ports;
        this.dir = dir;
        this.log = log;
        this.passwords = passwords;
    }

    public static Path documentedConfigDir() {
        Path p = Path.of("..", "image", "mosquitto").toAbsolutePath().normalize();
        if (!Files.exists(p.resolve("egov.conf"))) {
            throw new IllegalStateException("image/mosquitto/egov.conf not found from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** egov.conf with the manager's user only. */
    public static MosquittoProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of());
    }

    /** egov.conf with the manager's user and a password for each of {@code boxes} (user name = unit code). */
    public static MosquittoProcess start(Path dir, Collection<String> boxes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = FreePort.on("127.0.0.1");
        Path docs = documentedConfigDir();
        String conf = Files.readString(docs.resolve("egov.conf"));
        String test = replaceOnce(conf, "listener 1883 127.0.0.1", "listener " + port + " 127.0.0.1");
        test = replaceOnce(test, "persistence_location /var/lib/mosquitto/", "persistence_location " + dir + "/");
        test = replaceOnce(test, "password_file /etc/mosquitto/egov.passwd", "password_file " + dir.resolve("egov.passwd"));
        test = replaceOnce(test, "acl_file /etc/mosquitto/egov.acl", "acl_file " + dir.resolve("egov.acl"));
        Files.writeString(dir.resolve("egov.conf"), test);
        Files.copy(docs.resolve("egov.acl"), dir.resolve("egov.acl"));
        run(List.of("mosquitto_passwd", "-b", "-c", dir.resolve("egov.passwd").toString(), MANAGER_USER, MANAGER_PASSWORD));
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String unit : boxes) {
            passwords.put(unit, LabPasswords.issue(dir.resolve("egov.passwd"), unit));
        }
        return launch(dir, dir.resolve("egov.conf"), Map.of("manager", port), passwords);
    }

    /**
     * tls/egov-tls.conf: the broker's certificate issued by {@code ca}, the chain and CRL, the
     * manager's password, two NOC users ({@link #NOC_USER}, {@link #NOC_USER_2}) and the three ACL files as shipped.
     */
    public static MosquittoProcess startTls(Path dir, ProvincialCa ca) throws Exception {
        Files.createDirectories(dir);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String listener : List.of("manager", "tls", "noc")) {
            int p;
            do {
                p = FreePort.on("127.0.0.1");
            } while (ports.containsValue(p));
            ports.put(listener, p);
        }
        PemFiles.write(dir.resolve("chain.pem"), ca.issuingCertificate(), ca.rootCertificate());
        KeyPair broker = KeyPairs.p256();
        PemFiles.write(dir.resolve("broker.pem"), ca.issueTlsServer(broker.getPublic(), "mqtt.hebei.gov.cn", List.of("localhost"),
                List.of("127.0.0.1")), ca.issuingCertificate());
        PemFiles.write(dir.resolve("broker.key"), broker.getPrivate());
        writeCrl(dir, ca);
        Path docs = documentedConfigDir().resolve("tls");
        String text = Files.readString(docs.resolve("egov-tls.conf"))
                .replace("@MANAGER_PORT@", String.valueOf(ports.get("manager"))).replace("@TLS_PORT@", String.valueOf(ports.get("tls")))
                .replace("@NOC_PORT@", String.valueOf(ports.get("noc"))).replace("@DIR@", dir.toString());
        if (java.util.regex.Pattern.compile("@[A-Z_]+@").matcher(text).find()) {
            throw new IllegalStateException("egov-tls.conf has a placeholder the test does not know: " + text);
        }
        Files.writeString(dir.resolve("egov-tls.conf"), text);
        for (String acl : List.of("egov-boxes.acl", "egov-manager.acl", "egov-noc.acl")) {
            Files.copy(docs.resolve(acl), dir.resolve(acl));
        }
        run(List.of("mosquitto_passwd", "-b", "-c", dir.resolve("egov.passwd").toString(), MANAGER_USER, MANAGER_PASSWORD));
        run(List.of("mosquitto_passwd", "-b", "-c", dir.resolve("egov-noc.passwd").toString(), NOC_USER, NOC_PASSWORD));
        run(List.of("mosquitto_passwd", "-b", dir.resolve("egov-noc.passwd").toString(), NOC_USER_2, NOC_PASSWORD));
        return launch(dir, dir.resolve("egov-tls.conf"), ports, Map.of());
    }

    /** Writes the CA's current CRL where egov-tls.conf reads it (at the listener's start). */
    public static void writeCrl(Path dir, ProvincialCa ca) throws Exception {
        PemFiles.write(dir.resolve("issuing.crl.pem"), ca.crl());
    }

    private static MosquittoProcess launch(Path dir, Path conf, Map<String, Integer> ports, Map<String, String> passwords)
            throws IOException, InterruptedException {
        return new MosquittoProcess(spawn(dir, conf, ports), conf, ports, dir, dir.resolve("mosquitto.log"), passwords);
    }

    private static Process spawn(Path dir, Path conf, Map<String, Integer> ports) throws IOException, InterruptedException {
        run(List.of("chown", "-R", "mosquitto", dir.toString()));
        run(List.of("chmod", "-R", "a+rX", dir.toString()));
        for (Path p = dir.getParent(); p != null && !p.toString().equals("/tmp") && !p.toString().equals("/"); p = p.getParent()) {
            run(List.of("chmod", "a+x", p.toString())); // @TempDir folders are 0700
        }
        Path log = dir.resolve("mosquitto.log");
        Process p = new ProcessBuilder("mosquitto", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 10_000;
        for (int port : ports.values()) {
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                        p.destroyForcibly();
                        throw new IllegalStateException("mosquitto did not start:\n" + Files.readString(log));
                    }
                    Thread.sleep(50);
                }
            }
        }
        return p;
    }

    private static String replaceOnce(String text, String what, String with) {
        int i = text.indexOf(what);
        if (i < 0 || text.indexOf(what, i + 1) >= 0) {
            throw new IllegalStateException("egov.conf must contain '" + what + "' exactly once");
        }
        return text.replace(what, with);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

    /** The Mosquitto process's id (for a signal: {@code kill -HUP} re-reads its CRL, password and ACL files). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The manager's loopback listener. */
    public String url() {
        return "tcp://127.0.0.1:" + ports.get("manager");
    }

    /** The boxes' TLS listener (egov-tls.conf). */
    public int tlsPort() {
        return ports.get("tls");
    }

    public String tlsUrl() {
        return "ssl://127.0.0.1:" + tlsPort();
    }

    /** The NOC's listener (egov-tls.conf). */
    public int nocPort() {
        return ports.get("noc");
    }

    public int managerPort() {
        return ports.get("manager");
    }

    /** The folder with the configuration, chain.pem and the password files. */
    public Path dir() {
        return dir;
    }

    /** The password a box was given at start. */
    public String password(String unit) {
        String p = passwords.get(unit);
        if (p == null) {
            throw new IllegalArgumentException("no password was issued for " + unit + " at start");
        }
        return p;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
