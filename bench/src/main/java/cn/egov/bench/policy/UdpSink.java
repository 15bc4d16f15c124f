package cn.egov.bench.policy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** Counts UDP datagrams received for N seconds after the first one; prints the count. */
public final class UdpSink {
    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[1]);
        long count = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(Integer.parseInt(args[0])));
            ch.socket().setReceiveBufferSize(8 << 20);
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            System.out.println("ready");
            System.out.flush();
            ch.receive(buf);
            count++;
            ch.configureBlocking(false);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                buf.clear();
                if (ch.receive(buf) != null) {
                    count++;
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        System.out.println(count);
    }
}
