package cn.egov.bench.policy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** Sends small UDP datagrams as fast as it can for N seconds; prints how many it sent. */
public final class UdpBlast {
    /** Payload bytes: small packets make the per-packet cost, not bandwidth, the limit. */
    static final int PAYLOAD = 64;

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long sent = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(to);
            ByteBuffer buf = ByteBuffer.allocateDirect(PAYLOAD);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    buf.clear();
                    try {
                        ch.write(buf);
                        sent++;
                    } catch (java.io.IOException e) {
                        // ICMP errors (dropped) surface as exceptions on a connected socket
                    }
                }
            }
        }
        System.out.println(sent);
    }
}
