package cn.egov.rules.policy;

import java.util.List;

/**
 * The encrypted tunnel into a zone (the provincial backbone). Flows with {@code via tunnel} may
 * use only the tunnel; {@code never ... unless tunnel} rules drop everything else, also packets of
 * connections that were set up while the tunnel was up (fail closed when it goes down).
 * Whether the tunnel is up at run time is not policy: in {@link TunnelMode#INTERFACE} mode it is
 * up when {@link #iface()} exists and is up.
 *
 * @param name   policy name
 * @param zone   the zone reached through the tunnel
 * @param mode   how tunnelled packets are recognised
 * @param iface  the tunnel interface (mode interface), e.g. {@code ipsec0}; null in kernel-ipsec mode
 * @param peers  the tunnel's remote endpoints (IKE UDP/500, UDP/4500 and ESP from them reach the box)
 * @param origin where it is defined
 */
public record Tunnel(String name, String zone, TunnelMode mode, String iface, List<Prefix> peers, Origin origin) {
    public Tunnel {
        peers = List.copyOf(peers);
    }
}
