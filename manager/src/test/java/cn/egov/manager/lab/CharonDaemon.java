package cn.egov.manager.lab;

import cn.egov.lab.NetLab;
import cn.egov.vpn.SwanctlCharon;
import cn.egov.vpn.swanctl.CharonSettings;
import cn.egov.vpn.swanctl.StrongswanConfWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One charon-systemd in one lab namespace, with its own strongswan.conf, VICI socket and swanctl
 * folder (LAB-NOTES: one daemon per namespace). Stopped by its own process handle. Shared by the
 * tunnel tests of the manager and, through the manager's test jar, the isolation end-to-end test.
 */
public final class CharonDaemon implements AutoCloseable {

    /** Fast failure detection in the lab: 1 s first timeout, 2 retransmissions (~6 s in all). */
    private static final Duration LAB_RETRANSMIT = Duration.ofSeconds(1);
    private static final int LAB_TRIES = 2;
    private static final Duration STARTUP = Duration.ofSeconds(15);

    private final NetLab lab;
    private final String ns;
    private final Path dir;
    private final CharonSettings settings;
    private Process process;

    public CharonDaemon(NetLab lab, String ns, Path dir) throws IOException {
        this.lab = lab;
        this.ns = ns;
        this.dir = dir;
        for (String sub : new String[]{"x509", "x509ca", "x509crl", "private"}) {
            Files.createDirectories(swanctlDir().resolve(sub));
        }
        this.settings = new CharonSettings(dir.resolve("charon.vici"), true, dir.resolve("charon.log"),
                LAB_RETRANSMIT, LAB_TRIES);
        Files.writeString(dir.resolve("strongswan.conf"), StrongswanConfWriter.render(settings));
    }

    public Path swanctlDir() {
        return dir.resolve("swanctl");
    }

    public Path log() {
        return dir.resolve("charon.log");
    }

    public CharonSettings settings() {
        return settings;
    }

    public SwanctlCharon control() {
        return new SwanctlCharon(swanctlDir(), settings.viciSocket(), Duration.ofSeconds(12));
    }

    public void start() throws IOException, InterruptedException {
        Files.deleteIfExists(settings.viciSocket());
        process = lab.start(ns, "env", "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"), "/usr/sbin/charon-systemd");
        process.getOutputStream().close();
        // Drain its output so a chatty daemon never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the daemon went away
            }
        }, "charon-" + ns);
        drain.setDaemon(true);
        drain.start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("charon in " + ns + " exited " + process.exitValue() + "; see " + log());
            }
            if (Files.exists(settings.viciSocket())) {
                try {
                    control().listSas();
                    return;
                } catch (RuntimeException notYet) {
                    // socket file exists before the plugin accepts
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("charon in " + ns + " did not open " + settings.viciSocket() + " within " + STARTUP);
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGTERM: charon deletes its SAs (telling the peer) and removes ipsec0. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
