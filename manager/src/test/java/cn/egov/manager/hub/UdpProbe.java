package cn.egov.manager.hub;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A UDP echo server and client run as their own JVM inside a lab namespace (the test JVM lives in
 * the root namespace). The client prints how many of its datagrams came back.
 *
 * <pre>
 * java -cp ... cn.egov.manager.hub.UdpProbe server 10.8.100.2 7000
 * java -cp ... cn.egov.manager.hub.UdpProbe client 10.8.100.2 7000 5 1000
 * </pre>
 */
public final class UdpProbe {

    private UdpProbe() {
    }

    public static void main(String[] args) throws Exception {
        if ("server".equals(args[0])) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])))) {
                System.out.println("ready");
                System.out.flush();
                byte[] buf = new byte[2048];
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
            }
        }
        InetAddress target = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        int answered = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1000);
            for (int i = 0; i < count; i++) {
                byte[] payload = ("probe " + i + " ").repeat(size / 8 + 1).substring(0, size).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(payload, payload.length, target, port));
                try {
                    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                    s.receive(reply);
                    answered++;
                } catch (SocketTimeoutException lost) {
                    // counted as not answered
                }
            }
        }
        System.out.println("answered " + answered + " of " + count);
    }
}
