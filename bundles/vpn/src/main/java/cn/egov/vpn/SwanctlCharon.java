package cn.egov.vpn;

import cn.egov.vpn.vici.SaListReader;
import cn.egov.vpn.vici.ViciClient;
import cn.egov.vpn.vici.ViciException;
import cn.egov.vpn.vici.ViciMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@link Charon} over the real tools: {@code swanctl --load-all} for loading (it reconciles with
 * the live state and loads the credential folders), VICI for initiating and listing, because its
 * answers are structured where swanctl's text is not.
 *
 * @see ViciClient
 */
public final class SwanctlCharon implements Charon {

    /** control-log lines worth passing on when an initiation fails. */
    private static final Pattern REASON = Pattern.compile("(?i)failed|error|refused|timeout|giving up|unreachable|no .*found");

    /** Share (%) of the call timeout charon may spend on an initiation before it answers. */
    private static final int INITIATE_SHARE = 80;

    private final Path swanctlDir;
    private final ViciClient vici;
    private final Duration timeout;

    /**
     * @param swanctlDir folder holding swanctl.conf and the x509/x509ca/x509crl/private folders
     * @param viciSocket charon's VICI socket
     * @param timeout    how long one load, initiate or list may take
     */
    public SwanctlCharon(Path swanctlDir, Path viciSocket, Duration timeout) {
        this.swanctlDir = swanctlDir.toAbsolutePath();
        this.vici = new ViciClient(viciSocket, timeout);
        this.timeout = timeout;
    }

    @Override
    public String loadAll() {
        ProcessBuilder pb = new ProcessBuilder("swanctl", "--load-all", "--noprompt",
                "--uri", "unix://" + vici.socket(), "--file", swanctlDir.resolve("swanctl.conf").toString())
                .redirectErrorStream(true);
        pb.environment().put("SWANCTL_DIR", swanctlDir.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new TunnelException("swanctl --load-all did not finish within " + timeout.toMillis() + " ms");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new TunnelException("swanctl --load-all failed for " + swanctlDir.resolve("swanctl.conf")
                        + " (exit " + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new TunnelException("cannot run swanctl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelException("interrupted while loading the tunnel configuration", e);
        }
    }

    @Override
    public void initiate(String child) {
        ViciMessage args = ViciMessage.builder()
                .put("child", child)
                // charon answers "timeout" itself a little before our read deadline, so the
                // reason comes from charon rather than from a closed socket.
                .put("timeout", Long.toString(timeout.toMillis() * INITIATE_SHARE / 100))
                .build();
        ViciClient.Streamed reply;
        try {
            reply = vici.streamedRequest("initiate", "control-log", args);
        } catch (ViciException e) {
            throw new TunnelException("initiating '" + child + "' failed: " + e.getMessage(), e);
        }
        if (!"yes".equals(reply.response().value("success"))) {
            throw new TunnelException("initiating '" + child + "' failed: " + reply.response().value("errmsg")
                    + reasons(reply.events()));
        }
    }

    /** The daemon's own words for a failure (e.g. "received AUTHENTICATION_FAILED notify error"). */
    private static String reasons(List<ViciMessage> log) {
        StringBuilder out = new StringBuilder();
        for (ViciMessage line : log) {
            String msg = line.value("msg");
            if (msg != null && REASON.matcher(msg).find()) {
                out.append(out.length() == 0 ? " (" : "; ").append(msg);
            }
        }
        return out.length() == 0 ? "" : out.append(')').toString();
    }

    @Override
    public List<IkeSa> listSas() {
        try {
            return SaListReader.read(vici.streamedRequest("list-sas", "list-sa", ViciMessage.EMPTY).events());
        } catch (ViciException e) {
            throw new TunnelException("listing security associations failed: " + e.getMessage(), e);
        }
    }

    /** Forgets cached peer certificates, so the next authentication re-checks revocation from scratch. */
    public void flushCerts() {
        vici.request("flush-certs", ViciMessage.EMPTY);
    }

    /** Closes a CHILD SA's IKE SA (tests and the CLI use it). */
    public void terminateIke(String ike) {
        ViciMessage reply = vici.request("terminate", ViciMessage.builder().put("ike", ike)
                .put("timeout", Long.toString(timeout.toMillis())).build());
        if (!"yes".equals(reply.value("success"))) {
            throw new TunnelException("terminating '" + ike + "' failed: " + reply.value("errmsg"));
        }
    }

    /** Rekeys a CHILD SA now. */
    public void rekeyChild(String child) {
        ViciMessage reply = vici.request("rekey", ViciMessage.builder().put("child", child).build());
        if (!"yes".equals(reply.value("success"))) {
            throw new TunnelException("rekeying '" + child + "' failed: " + reply.value("errmsg"));
        }
    }
}
