package cn.egov.manager.support;

import cn.egov.manager.broker.FreePort;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto started with the documented {@code image/mosquitto/egov.conf}, changing only the
 * listener port, the persistence folder and the paths of the password and ACL files. Mosquitto
 * started as root drops to the {@code mosquitto} user, so the folder is handed to that user.
 */
public final class MosquittoProcess implements AutoCloseable {

    public static final String MANAGER_USER = "egov-manager";
    public static final String MANAGER_PASSWORD = "test-manager-password";

    private final Process process;
    private final int port;
    private final Path log;

    private MosquittoProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Path documentedConfigDir() {
        Path p = Path.of("..", "image", "mosquitto").toAbsolutePath().normalize();
        if (!Files.exists(p.resolve("egov.conf"))) {
            throw new IllegalStateException("image/mosquitto/egov.conf not found from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static MosquittoProcess start(Path dir) throws IOException, InterruptedException {
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
        run(List.of("chown", "-R", "mosquitto", dir.toString()));
        run(List.of("chmod", "-R", "a+rX", dir.toString()));
        for (Path p = dir.getParent(); p != null && !p.toString().equals("/tmp") && !p.toString().equals("/"); p = p.getParent()) {
            run(List.of("chmod", "a+x", p.toString())); // @TempDir folders are 0700
        }
        Path log = dir.resolve("mosquitto.log");
        Process p = new ProcessBuilder("mosquitto", "-c", dir.resolve("egov.conf").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
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
        return new MosquittoProcess(p, port, log);
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

    public String url() {
        return "tcp://127.0.0.1:" + port;
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
