package cn.egov.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump in a lab namespace, for "did this packet arrive?": started before the packets are sent
 * (it returns once tcpdump is listening), stopped after; {@link #stop()} returns one line per
 * packet seen ({@code tcpdump -n -q} form, e.g. {@code eth0 In IP 10.2.0.2.40000 > 192.0.2.2.80: tcp 0}).
 *
 * <pre>{@code
 * try (PacketCapture cap = PacketCapture.start(lab, lan, "any", "src host 198.51.100.2")) {
 *     lab.tryExec(inet, "ping", "-c1", "-W1", "10.1.0.2");
 *     assertEquals(List.of(), cap.stop(), "nothing from the Internet reached the internal host");
 * }
 * }</pre>
 */
public final class PacketCapture implements AutoCloseable {

    /** How long packets already sent get to arrive before the capture stops. */
    private static final long SETTLE_MS = 300;

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private PacketCapture(Process process, BufferedReader out) {
        this.process = process;
        this.reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains(" IP ") || line.contains(" IP6 ") || line.startsWith("IP")) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the process was stopped
            }
        }, "capture");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code tcpdump -i IFACE -n -q -l FILTER} in {@code ns} and waits until it listens. */
    public static PacketCapture start(NetLab lab, String ns, String iface, String filter) {
        try {
            Process p = lab.start(ns, "tcpdump", "-i", iface, "-n", "-q", "-l", "--immediate-mode", filter);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); ; line = out.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("tcpdump in " + ns + " ended before it listened");
                }
                if (line.contains("listening on")) {
                    break;
                }
            }
            return new PacketCapture(p, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the capture; the packets seen. */
    public List<String> stop() {
        try {
            Thread.sleep(SETTLE_MS);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
