package cn.egov.telemetry.mqtt;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;

/**
 * The interface and local address the box uses to reach the broker, for BIRTH's
 * {@code connection_interface} and {@code connection_ip}.
 */
record LocalLink(String interfaceName, String address) {
    private static final LocalLink UNKNOWN = new LocalLink("unknown", "unknown");

    /** Asks the routing table by connecting a UDP socket, which sends no packet. */
    static LocalLink towards(String brokerUrl) {
        try (DatagramSocket probe = new DatagramSocket()) {
            URI uri = URI.create(brokerUrl);
            probe.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            InetAddress local = probe.getLocalAddress();
            NetworkInterface nif = NetworkInterface.getByInetAddress(local);
            return new LocalLink(nif == null ? "unknown" : nif.getName(), local.getHostAddress());
        } catch (SocketException | IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
