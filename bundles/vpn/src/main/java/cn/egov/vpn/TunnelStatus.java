package cn.egov.vpn;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;

/**
 * What the watcher knows about the tunnel after a poll. Byte and packet counters are cumulative
 * over the watcher's life: a rekeyed SA starts at zero in charon, so the watcher adds up the SAs
 * it has seen (traffic in the last poll interval of a replaced SA is not counted).
 *
 * @param up                 an IKE SA is established and the tunnel's CHILD SA installed
 * @param hub                the hub's address as configured
 * @param ikeState           charon's IKE state, or {@code NONE}
 * @param remoteId           the hub identity charon authenticated, or null
 * @param establishedSeconds seconds since the IKE SA was established (0 when down)
 * @param rekeys             rekeys seen (a new SA id while staying up)
 * @param bytesIn            bytes received through the tunnel
 * @param bytesOut           bytes sent through the tunnel
 * @param packetsIn          packets received
 * @param packetsOut         packets sent
 * @param initiations        times the watcher (re)started the tunnel
 * @param failures           consecutive failed starts
 * @param lastError          why the last start or poll failed, or null
 * @param time               when this was observed (ms since the epoch)
 */
public record TunnelStatus(boolean up, String hub, String ikeState, String remoteId, long establishedSeconds,
                           long rekeys, long bytesIn, long bytesOut, long packetsIn, long packetsOut,
                           long initiations, int failures, String lastError, long time) {

    /** Application id on MQTT: {@code <account>/<client-id>/VPN/tunnel}. */
    public static final String APP_ID = BoxMetrics.VPN_APP;
    public static final String RESOURCE = BoxMetrics.VPN_RESOURCE;

    public KuraPayload toPayload() {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(time)
                .metric("state", up ? "UP" : "DOWN")
                .metric("hub", hub)
                .metric("ike_state", ikeState)
                .metric("established_s", establishedSeconds)
                .metric("rekeys", rekeys)
                .metric("bytes_in", bytesIn)
                .metric("bytes_out", bytesOut)
                .metric("packets_in", packetsIn)
                .metric("packets_out", packetsOut)
                .metric("initiations", initiations)
                .metric("failures", (long) failures);
        if (remoteId != null) {
            b.metric("remote_id", remoteId);
        }
        if (lastError != null) {
            b.metric("last_error", lastError);
        }
        return b.build();
    }
}
