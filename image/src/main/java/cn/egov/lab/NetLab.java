package cn.egov.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network of Linux network namespaces for tests: hosts joined by veth pairs.
 * Everything it creates carries its prefix and is removed by {@link #close()}, also after a
 * failed test. Needs root (CI runs as root).
 *
 * <pre>{@code
 * try (NetLab lab = NetLab.create("iso")) {
 *     String box = lab.host("box");
 *     String lan = lab.host("lan");
 *     lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
 *     lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
 *     lab.exec(lan, "ping", "-c1", "-W1", "10.1.0.1");
 * }
 * }</pre>
 *
 * <p>Only addresses inside these namespaces are ever traffic targets (lab ranges:
 * 192.0.2.0/24, 198.51.100.0/24, 10.x).
 */
public final class NetLab implements AutoCloseable {

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();

    private NetLab(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Starts a lab whose namespaces are named {@code <tag><pid%10000>-<host>}; names stay short
     * because interface names are limited to 15 characters. Leftovers of an earlier run with the
     * same prefix are removed first.
     */
    public static NetLab create(String tag) {
        String prefix = tag + (ProcessHandle.current().pid() % 10000) + "-";
        NetLab lab = new NetLab(prefix);
        lab.removeLeftovers();
        return lab;
    }

    /** Creates a namespace with loopback up; returns its name. */
    public String host(String name) {
        String ns = prefix + name;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        exec(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair and gives each end an address (CIDR form, or null
     * for none). Both ends are brought up.
     */
    public void link(String nsA, String ifA, String addrA, String nsB, String ifB, String addrB) {
        String tmpA = "v" + Integer.toHexString((nsA + ifA + nsB + ifB).hashCode() & 0xfffffff);
        String tmpB = "w" + Integer.toHexString((nsA + ifA + nsB + ifB).hashCode() & 0xfffffff);
        run("ip", "link", "add", tmpA, "type", "veth", "peer", "name", tmpB);
        run("ip", "link", "set", tmpA, "netns", nsA);
        run("ip", "link", "set", tmpB, "netns", nsB);
        exec(nsA, "ip", "link", "set", tmpA, "name", ifA);
        exec(nsB, "ip", "link", "set", tmpB, "name", ifB);
        if (addrA != null) exec(nsA, "ip", "addr", "add", addrA, "dev", ifA);
        if (addrB != null) exec(nsB, "ip", "addr", "add", addrB, "dev", ifB);
        exec(nsA, "ip", "link", "set", ifA, "up");
        exec(nsB, "ip", "link", "set", ifB, "up");
    }

    /** Turns on IPv4 and IPv6 forwarding in a namespace (a router or the box). */
    public void forwarding(String ns) {
        exec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    }

    /** Runs a command in a namespace; throws with its output when it fails. */
    public String exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs a command in a namespace and returns its result without throwing. */
    public Result tryExec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return runResult(60, cmd.toArray(String[]::new));
    }

    /** Starts a long-running process in a namespace; the caller stops it. */
    public Process start(String ns, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    public String prefix() {
        return prefix;
    }

    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** The outcome of a command: exit code and combined output. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static String run(String... command) {
        Result r = runResult(60, command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    public static Result runResult(int timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, new String(out, StandardCharsets.UTF_8) + "\n(timed out)");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, "cannot run " + command[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    private void removeLeftovers() {
        Result list = runResult(10, "ip", "netns", "list");
        for (String line : list.output().split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(prefix)) {
                killProcessesIn(name);
                runResult(10, "ip", "netns", "del", name);
            }
        }
    }

    private static void killProcessesIn(String ns) {
        Result pids = runResult(10, "ip", "netns", "pids", ns);
        for (String pid : pids.output().split("\\s+")) {
            if (!pid.isBlank()) {
                runResult(5, "kill", "-9", pid.trim());
            }
        }
    }

    /** Kills what still runs in the lab's namespaces and deletes them. */
    @Override
    public void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            killProcessesIn(namespaces.get(i));
            runResult(10, "ip", "netns", "del", namespaces.get(i));
        }
        namespaces.clear();
    }
}
