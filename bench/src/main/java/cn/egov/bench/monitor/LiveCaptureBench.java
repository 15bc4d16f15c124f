package cn.egov.bench.monitor;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.LiveCapture;
import cn.egov.isolation.capture.NetworkNamespace;
import cn.egov.isolation.monitor.LiveMonitor;
import cn.egov.lab.NetLab;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * Live capture under load: a sender in one lab namespace injects frames at a target rate into a
 * veth whose other end is a zone interface of the box namespace, where the live monitor
 * (capture, decode, classify, alarms) runs; at the end it reads libpcap's counters
 * ({@code pcap_stats}) and the kernel's interface counters. The sender is {@code tcpreplay}
 * (Debian package {@code tcpreplay}) when installed, else a Java sender (Pcap4J
 * {@code pcap_sendpacket}, paced per millisecond; far slower).
 *
 * <pre>
 * java -cp ... cn.egov.bench.monitor.LiveCaptureBench [packets/s] [seconds] [buffer MiB] [tcpreplay|java]
 * </pre>
 */
public final class LiveCaptureBench {

    private LiveCaptureBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int bufferMiB = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        boolean haveTcpreplay = NetLab.runResult(10, "tcpreplay", "--version").ok();
        String senderKind = args.length > 3 ? args[3] : haveTcpreplay ? "tcpreplay" : "java";
        try (NetLab lab = NetLab.create("monb")) {
            String tx = lab.host("tx");
            String box = lab.host("box");
            lab.link(tx, "eth0", "10.6.8.5/24", box, "eth1", "10.6.8.1/24");
            String boxMac = lab.exec(box, "cat", "/sys/class/net/eth1/address").trim();
            String txMac = lab.exec(tx, "cat", "/sys/class/net/eth0/address").trim();
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                // internal hosts to backbone services (clean); every 100th frame to the Internet (a violation)
                String dst = i % 100 == 0 ? "198.51.100." + (i % 250 + 1) : "10.200.1." + (i % 250 + 1);
                frames.add(FrameBuilder.ethernet(txMac, boxMac).ip("10.6.8.5", dst)
                        .tcp(40000 + i, 443, DecodedPacket.TCP_ACK, 64 + (i * 7) % 200).build());
            }
            AtomicLong alarms = new AtomicLong();
            TelemetryPublisher counting = new TelemetryPublisher() {
                @Override
                public void publish(String appId, String resource, KuraPayload payload, int priority) {
                    alarms.incrementAndGet();
                }
            };
            LiveMonitor.Settings settings = new LiveMonitor.Settings(List.of("eth1"),
                    new LiveCapture.Settings(128, bufferMiB * 1024 * 1024, true, true, box), 65_536, 20, 100, 1_000, 3600);
            long rxBefore = Long.parseLong(lab.exec(box, "cat", "/sys/class/net/eth1/statistics/rx_packets").trim());
            try (LiveMonitor monitor = LiveMonitor.start(BenchPolicy.policy(), "bench", settings, counting)) {
                long[] sent = new long[1];
                long[] elapsed = new long[1];
                Throwable[] error = new Throwable[1];
                Thread sender = new Thread(() -> {
                    try {
                        NetworkNamespace.enter(tx);
                        try (PcapHandle h = new PcapHandle.Builder("eth0").snaplen(128)
                                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS).timeoutMillis(10).build()) {
                            long total = (long) rate * seconds;
                            long start = System.nanoTime();
                            long n = 0;
                            while (n < total) {
                                long due = (System.nanoTime() - start) * rate / 1_000_000_000L + rate / 1000;
                                while (n < due && n < total) {
                                    h.sendPacket(frames.get((int) (n & 255)));
                                    n++;
                                }
                                if (n >= due) {
                                    Thread.onSpinWait();
                                }
                            }
                            elapsed[0] = System.nanoTime() - start;
                            sent[0] = n;
                        }
                    } catch (Throwable e) {
                        error[0] = e;
                    }
                }, "sender");
                String senderReport = "";
                if (senderKind.equals("tcpreplay")) {
                    java.nio.file.Path pcap = java.nio.file.Files.createTempFile("live-bench", ".pcap");
                    try (cn.egov.isolation.capture.PcapWriter w = cn.egov.isolation.capture.PcapWriter.create(pcap,
                            cn.egov.isolation.capture.PcapWriter.Format.PCAP_MICROS, java.nio.ByteOrder.LITTLE_ENDIAN,
                            List.of(new cn.egov.isolation.capture.PcapWriter.InterfaceSpec(null, cn.egov.isolation.capture.LinkType.ETHERNET)))) {
                        long t = 0;
                        for (byte[] f : frames) {
                            w.frame(0, t += 1_000, f);
                        }
                    }
                    long loops = Math.max(1, (long) rate * seconds / frames.size());
                    long start = System.nanoTime();
                    NetLab.Result r = NetLab.runResult(seconds * 10 + 60, "ip", "netns", "exec", tx, "tcpreplay", "-i", "eth0",
                            "--pps=" + rate, "--loop=" + loops, "--preload-pcap", pcap.toString());
                    elapsed[0] = System.nanoTime() - start;
                    java.nio.file.Files.delete(pcap);
                    if (!r.ok()) {
                        throw new IllegalStateException("tcpreplay failed: " + r.output());
                    }
                    sent[0] = loops * frames.size();
                    senderReport = r.output().lines().filter(l -> l.contains("Actual") || l.contains("Rated") || l.contains("Failed"))
                            .map(String::trim).reduce((a, b) -> a + "\n  " + b).orElse("");
                } else {
                    sender.start();
                    sender.join();
                }
                if (error[0] != null) {
                    throw new IllegalStateException("sender failed", error[0]);
                }
                Thread.sleep(1_000); // let the capture drain its buffer
                long rxAfter = Long.parseLong(lab.exec(box, "cat", "/sys/class/net/eth1/statistics/rx_packets").trim());
                LiveCapture.Stats s = monitor.stats().get(0);
                System.out.printf("target %d packets/s for %d s, libpcap buffer %d MiB%n", rate, seconds, bufferMiB);
                System.out.printf("sender %s: sent %d in %.2f s = %.0f packets/s%n", senderKind, sent[0], elapsed[0] / 1e9,
                        sent[0] / (elapsed[0] / 1e9));
                if (!senderReport.isEmpty()) {
                    System.out.println("  " + senderReport);
                }
                System.out.printf("box eth1 rx_packets +%d%n", rxAfter - rxBefore);
                System.out.printf("pcap_stats: received %d, dropped %d, dropped by interface %d; decoded %d%n",
                        s.received(), s.dropped(), s.droppedByInterface(), s.decoded());
                System.out.printf("alarm gate: found %d flows, published %d, suppressed %d%n",
                        monitor.gate().found(), monitor.gate().published(), monitor.gate().suppressed());
            }
        }
    }
}
