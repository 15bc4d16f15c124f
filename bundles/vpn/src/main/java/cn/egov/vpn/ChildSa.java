package cn.egov.vpn;

import java.util.List;

/**
 * One CHILD security association: the IPsec tunnel for a set of traffic selectors.
 *
 * @param name       the child name from swanctl.conf
 * @param uniqueId   charon's id; a rekeyed child gets a new one
 * @param state      e.g. {@code INSTALLED}, {@code REKEYING}
 * @param bytesIn    bytes received on this SA (reset by a rekey: the new SA starts at 0)
 * @param bytesOut   bytes sent on this SA
 * @param packetsIn  packets received
 * @param packetsOut packets sent
 * @param localTs    local traffic selectors in force
 * @param remoteTs   remote traffic selectors in force
 */
public record ChildSa(String name, long uniqueId, String state, long bytesIn, long bytesOut,
                      long packetsIn, long packetsOut, List<String> localTs, List<String> remoteTs) {

    public ChildSa {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    public boolean installed() {
        return "INSTALLED".equals(state);
    }

    /** Installed, or still carrying traffic while it is being rekeyed or updated. */
    public boolean carriesTraffic() {
        return switch (state == null ? "" : state) {
            case "INSTALLED", "REKEYING", "REKEYED", "UPDATING" -> true;
            default -> false;
        };
    }
}
