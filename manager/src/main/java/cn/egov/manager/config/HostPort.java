package cn.egov.manager.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code host:port} of a list such as {@code broker.amqp.addresses}.
 *
 * @param host a name or address (IPv6 in brackets)
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

    /** {@code host:port,host:port,...}; an entry that is not one is named in the message. */
    public static List<HostPort> parseList(String list) {
        List<HostPort> out = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            String e = entry.strip();
            int colon = e.lastIndexOf(':');
            if (e.isEmpty() || colon <= 0 || colon == e.length() - 1) {
                throw new IllegalArgumentException("'" + e + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException nfe) {
                throw new IllegalArgumentException("'" + e + "' has no port number after ':'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + e + "': the port must be 1..65535");
            }
            out.add(new HostPort(e.substring(0, colon), port));
        }
        return out;
    }
}
