package cn.egov.isolation.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/**
 * Captures one interface with libpcap through Pcap4J's {@code handle.loop} and a
 * {@link RawPacketListener} (Pcap4J's per-packet objects manage ~60 k packets/s; the raw loop
 * ~0.5–0.7 M/s here), decoding each frame with {@link FrameDecoder} into a reused
 * {@link DecodedPacket} on its own thread. {@link #stats()} reads libpcap's counters
 * ({@code pcap_stats}): received, dropped for want of buffer, dropped by the interface.
 */
public final class LiveCapture implements AutoCloseable {

    /** Receives each decoded packet on the capture thread; must not block. */
    public interface PacketConsumer {
        void packet(DecodedPacket packet);
    }

    /**
     * How to open the interface.
     *
     * @param snapLength   bytes kept per frame: headers only (128 covers QinQ + IPv6 extension headers)
     * @param bufferBytes  libpcap's ring buffer: what absorbs bursts before the kernel drops
     * @param promiscuous  see frames not addressed to the box (hosts talking among themselves)
     * @param inboundOnly  only frames arriving on the interface: each packet is seen once, on the
     *                     interface of the zone it comes from
     * @param namespace    network namespace to capture in, or null for the JVM's own
     */
    public record Settings(int snapLength, int bufferBytes, boolean promiscuous, boolean inboundOnly, String namespace) {
        /** The same settings with another snap length. */
        public Settings withSnapLength(int bytes) {
            return new Settings(bytes, bufferBytes, promiscuous, inboundOnly, namespace);
        }
    }

    /** libpcap's counters for the interface since the capture started. */
    public record Stats(String interfaceName, long received, long dropped, long droppedByInterface, long decoded) {
    }

    /** Pcap4J's libpcap name; Debian has only the versioned library without libpcap0.8-dev. */
    public static final String PCAP_LIBRARY_PROPERTY = "org.pcap4j.core.pcapLibName";
    public static final String DEBIAN_LIBPCAP = "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8";
    private static final int READ_TIMEOUT_MS = 100;
    private static final long OPEN_TIMEOUT_S = 10;

    private final String interfaceName;
    private final int interfaceIndex;
    private final Thread thread;
    private final AtomicReference<PcapHandle> handle = new AtomicReference<>();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long decoded;
    private volatile boolean stopping;

    private LiveCapture(String interfaceName, int interfaceIndex, Settings settings, String filter, PacketConsumer consumer) {
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.thread = new Thread(() -> run(settings, filter, consumer), "capture-" + interfaceName);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the interface and starts capturing on a thread of its own; returns once the handle is
     * open.
     *
     * @param interfaceIndex the index packets carry in {@link DecodedPacket#interfaceIndex}
     * @throws IllegalStateException when libpcap cannot open the interface (the message says why)
     */
    public static LiveCapture start(String interfaceName, int interfaceIndex, Settings settings, PacketConsumer consumer) {
        return start(interfaceName, interfaceIndex, settings, null, consumer);
    }

    /**
     * As {@link #start(String, int, Settings, PacketConsumer)}, keeping only the frames a BPF
     * filter expression (tcpdump syntax) accepts.
     *
     * @param filter the expression, or null for every frame
     * @throws IllegalStateException also when libpcap refuses the expression
     */
    public static LiveCapture start(String interfaceName, int interfaceIndex, Settings settings, String filter,
                                    PacketConsumer consumer) {
        useDebianLibpcapIfUnset();
        LiveCapture c = new LiveCapture(interfaceName, interfaceIndex, settings, filter, consumer);
        c.thread.start();
        try {
            if (!c.opened.await(OPEN_TIMEOUT_S, TimeUnit.SECONDS)) {
                c.close();
                throw new IllegalStateException("capture on " + interfaceName + " did not open within " + OPEN_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IllegalStateException("interrupted while opening " + interfaceName, e);
        }
        if (c.failure.get() != null) {
            throw new IllegalStateException("cannot capture on " + interfaceName + ": " + c.failure.get().getMessage(), c.failure.get());
        }
        return c;
    }

    /** Sets Pcap4J's library to Debian's versioned libpcap when nobody chose one. */
    public static void useDebianLibpcapIfUnset() {
        if (System.getProperty(PCAP_LIBRARY_PROPERTY) == null && Files.exists(Path.of(DEBIAN_LIBPCAP))) {
            System.setProperty(PCAP_LIBRARY_PROPERTY, DEBIAN_LIBPCAP);
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The error that ended the capture thread, or null while it runs (or after a clean stop). */
    public Throwable failure() {
        return failure.get();
    }

    public boolean running() {
        return thread.isAlive();
    }

    /** libpcap's counters; null once the handle is closed. */
    public Stats stats() {
        PcapHandle h = handle.get();
        if (h == null) {
            return null;
        }
        try {
            PcapStat s = h.getStats();
            return new Stats(interfaceName, s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf(), decoded);
        } catch (PcapNativeException | NotOpenException e) {
            return null;
        }
    }

    private void run(Settings settings, String filter, PacketConsumer consumer) {
        PcapHandle h;
        try {
            if (settings.namespace() != null) {
                NetworkNamespace.enter(settings.namespace());
            }
            PcapHandle.Builder b = new PcapHandle.Builder(interfaceName)
                    .snaplen(settings.snapLength())
                    .bufferSize(settings.bufferBytes())
                    .timeoutMillis(READ_TIMEOUT_MS)
                    .promiscuousMode(settings.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS);
            if (settings.inboundOnly()) {
                b.direction(PcapHandle.PcapDirection.IN);
            }
            h = b.build();
            if (filter != null) {
                try {
                    h.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                    h.close();
                    throw e;
                }
            }
        } catch (Throwable e) { // UnsatisfiedLinkError and friends included: the caller reports it
            failure.set(e);
            opened.countDown();
            return;
        }
        handle.set(h);
        opened.countDown();
        FrameDecoder decoder = new FrameDecoder();
        DecodedPacket packet = new DecodedPacket();
        int linkType = h.getDlt().value();
        RawPacketListener listener = raw -> {
            decoder.decode(interfaceIndex, linkType, System.currentTimeMillis() * 1_000_000L, raw, 0,
                    raw.length, raw.length, packet);
            decoded++;
            consumer.packet(packet);
        };
        try {
            h.loop(-1, listener);
        } catch (InterruptedException e) {
            // breakLoop(): a normal stop
        } catch (Throwable e) {
            if (!stopping) {
                failure.set(e);
            }
        } finally {
            handle.set(null);
            h.close();
        }
    }

    /** Stops the loop and closes the handle. */
    @Override
    public void close() {
        stopping = true;
        PcapHandle h = handle.get();
        if (h != null) {
            try {
                h.breakLoop();
            } catch (NotOpenException e) {
                // already closed
            }
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(OPEN_TIMEOUT_S));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
