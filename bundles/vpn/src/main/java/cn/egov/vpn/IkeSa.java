package cn.egov.vpn;

import java.util.List;

/**
 * One IKE security association as charon reports it ({@code list-sas}).
 *
 * @param connection       the connection name from swanctl.conf
 * @param uniqueId         charon's id; a new id after a rekey or reconnect
 * @param state            e.g. {@code ESTABLISHED}, {@code CONNECTING}
 * @param remoteHost       the hub's address
 * @param remoteId         the hub's authenticated identity
 * @param establishedSeconds seconds since the SA was established (0 when not yet)
 * @param children         its CHILD SAs (the tunnels carrying traffic)
 */
public record IkeSa(String connection, long uniqueId, String state, String remoteHost, String remoteId,
                    long establishedSeconds, List<ChildSa> children) {

    public IkeSa {
        children = List.copyOf(children);
    }

    public boolean established() {
        return "ESTABLISHED".equals(state);
    }
}
