package cn.egov.vpn;

import cn.egov.api.selftest.SelfTest.Result;
import java.util.Locale;

/**
 * The tunnel's self-test sentence: up (and to whom), not tried yet, or down with what the
 * technician can do about charon's reason. charon's words stay in the sentence, after the advice.
 */
public final class TunnelSelfTest {
    private TunnelSelfTest() {
    }

    public static Result judge(TunnelStatus s) {
        if (s == null || (!s.up() && s.initiations() == 0)) {
            return Result.warn("The tunnel to the backbone hub has not been tried yet.");
        }
        if (s.up()) {
            return Result.ok("The tunnel to the backbone hub " + s.hub() + " is up (the hub proved " + s.remoteId() + ").");
        }
        String error = s.lastError() == null ? "" : s.lastError();
        return Result.fail("The tunnel to the backbone hub " + s.hub() + " is down: " + advice(error, s.hub())
                + (error.isEmpty() ? "" : " (strongSwan: " + error + ")"));
    }

    /** What to do, from charon's reason for the failed start. */
    static String advice(String error, String hub) {
        String e = error.toLowerCase(Locale.ROOT);
        if (e.contains("authentication_failed") || e.contains("auth_failed")) {
            return "the hub refused the box's certificate. Check that the box is enrolled for this unit "
                    + "('appliance setup' shows the certificate) and has not been revoked; ask the provincial office.";
        }
        if (e.contains("constraint") || e.contains("no trusted") || e.contains("not trusted") || e.contains("certificate")) {
            return "the hub's certificate was not accepted. Check hub_id and the CA certificates in cn.egov.vpn.tunnel.cfg.";
        }
        if (e.contains("vici") || e.contains("charon") && (e.contains("connect") || e.contains("socket"))) {
            return "the strongSwan daemon does not answer. Start it (systemctl start strongswan) and check vici_socket.";
        }
        if (e.contains("timeout") || e.contains("timed out") || e.contains("retransmit") || e.contains("failed")
                || e.contains("unreachable")) {
            return "the hub " + hub + " does not answer. Check the uplink cable on the backbone port (eth0), that the "
                    + "uplink has its address and a route to " + hub + ", and that nothing between blocks UDP 500 and 4500.";
        }
        return "check the uplink to " + hub + " and 'appliance vpn status'.";
    }
}
