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
            return Result.warn("还没有尝试建立到骨干网中心的隧道。", "The tunnel to the backbone hub has not been tried yet.");
        }
        if (s.up()) {
            return Result.ok("到骨干网中心 " + s.hub() + " 的隧道已建立（中心证明其身份为 " + s.remoteId() + "）。",
                    "The tunnel to the backbone hub " + s.hub() + " is up (the hub proved " + s.remoteId() + ").");
        }
        String error = s.lastError() == null ? "" : s.lastError();
        Advice advice = advice(error, s.hub());
        return Result.fail("到骨干网中心 " + s.hub() + " 的隧道未建立：" + advice.chinese()
                        + (error.isEmpty() ? "" : "（strongSwan：" + error + "）"),
                "The tunnel to the backbone hub " + s.hub() + " is down: " + advice.english()
                + (error.isEmpty() ? "" : " (strongSwan: " + error + ")"));
    }

    /** What the technician can do about one of charon's reasons, in both languages. */
    record Advice(String chinese, String english) {
    }

    /** What to do, from charon's reason for the failed start. */
    static Advice advice(String error, String hub) {
        String e = error.toLowerCase(Locale.ROOT);
        if (e.contains("authentication_failed") || e.contains("auth_failed")) {
            return new Advice("中心拒绝了本机的证书。请确认本机已为本单位注册（'appliance setup' 显示证书）且证书未被吊销；请询问省电子政务办。",
                    "the hub refused the box's certificate. Check that the box is enrolled for this unit "
                    + "('appliance setup' shows the certificate) and has not been revoked; ask the provincial office.");
        }
        if (e.contains("constraint") || e.contains("no trusted") || e.contains("not trusted") || e.contains("certificate")) {
            return new Advice("中心的证书未被接受。请检查 cn.egov.vpn.tunnel.cfg 中的 hub_id 和 CA 证书。",
                    "the hub's certificate was not accepted. Check hub_id and the CA certificates in cn.egov.vpn.tunnel.cfg.");
        }
        if (e.contains("vici") || e.contains("charon") && (e.contains("connect") || e.contains("socket"))) {
            return new Advice("strongSwan 服务没有应答。请启动它（systemctl start strongswan）并检查 vici_socket。",
                    "the strongSwan daemon does not answer. Start it (systemctl start strongswan) and check vici_socket.");
        }
        if (e.contains("timeout") || e.contains("timed out") || e.contains("retransmit") || e.contains("failed")
                || e.contains("unreachable")) {
            return new Advice("中心 " + hub + " 没有应答。请检查骨干网端口（eth0）的上联网线、上联口有地址和到 " + hub
                            + " 的路由，以及中间没有设备拦截 UDP 500 和 4500。",
                    "the hub " + hub + " does not answer. Check the uplink cable on the backbone port (eth0), that the "
                    + "uplink has its address and a route to " + hub + ", and that nothing between blocks UDP 500 and 4500.");
        }
        return new Advice("请检查到 " + hub + " 的上联和 'appliance vpn status'。", "check the uplink to " + hub + " and 'appliance vpn status'.");
    }
}
