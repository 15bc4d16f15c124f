package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.CaptureFileReader;
import cn.egov.isolation.capture.CaptureFormatException;
import cn.egov.isolation.capture.CaptureSummary;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.FrameHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the live monitor's classifier over a capture file (what {@code appliance audit} does).
 *
 * <pre>{@code
 * AuditReport r = new OfflineAudit(policy, "policy 1.0", null).run(Path.of("site.pcapng"), null);
 * r.findings().forEach(e -> System.out.println(e.finding().evidence()));
 * }</pre>
 */
public final class OfflineAudit {

    /** Distinct flows remembered; a capture with more violating flows reports some twice. */
    public static final int DEFAULT_FLOW_TABLE = 1 << 20;
    /** Two threads (read and decode | classify) when the machine has two cores or more. */
    public static final int DEFAULT_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
    private static final int PIPE_BATCHES = 4;
    private static final int PIPE_BATCH_PACKETS = 4096;

    private final ClassificationPolicy policy;
    private final String policyIdentity;
    private final String unit;
    private final int flowTable;
    private final int threads;

    public OfflineAudit(ClassificationPolicy policy, String policyIdentity, String unit) {
        this(policy, policyIdentity, unit, DEFAULT_FLOW_TABLE, DEFAULT_THREADS);
    }

    /**
     * @param threads 1: read, decode and classify on the calling thread; 2: classify on a second
     *                thread while the calling thread reads and decodes (same findings, same order)
     */
    public OfflineAudit(ClassificationPolicy policy, String policyIdentity, String unit, int flowTable, int threads) {
        if (threads < 1 || threads > 2) {
            throw new IllegalArgumentException("threads must be 1 or 2, not " + threads);
        }
        this.policy = policy;
        this.policyIdentity = policyIdentity;
        this.unit = unit;
        this.flowTable = flowTable;
        this.threads = threads;
    }

    /**
     * Audits one file.
     *
     * @param interfaceName the interface a pcap file was captured on (pcap does not record it), or
     *                      null; pcapng files name their interfaces themselves
     * @throws CaptureFormatException when the file is not a capture at all
     */
    public AuditReport run(Path file, String interfaceName) throws IOException, CaptureFormatException {
        Collector collector = new Collector();
        FlowClassifier classifier = new FlowClassifier(policy, collector, flowTable, FlowClassifier.DEFAULT_HOST_TABLE);
        CaptureSummary summary;
        Handler handler;
        if (threads == 1) {
            handler = new Handler(classifier, interfaceName, null);
            summary = CaptureFileReader.read(file, handler);
        } else {
            try (PacketPipe pipe = new PacketPipe(PIPE_BATCHES, PIPE_BATCH_PACKETS, "audit-classifier", classifier::classify)) {
                handler = new Handler(classifier, interfaceName, pipe);
                summary = CaptureFileReader.read(file, handler);
                pipe.finish();
            }
        }
        List<AuditReport.Entry> entries = new ArrayList<>(collector.findings.size());
        for (int i = 0; i < collector.findings.size(); i++) {
            entries.add(new AuditReport.Entry(collector.findings.get(i), collector.packets[i]));
        }
        return new AuditReport(file.toString(), summary.format(), unit, policyIdentity, summary.frames(),
                handler.count[DecodedPacket.Kind.IP.ordinal()], handler.count[DecodedPacket.Kind.OTHER.ordinal()],
                handler.count[DecodedPacket.Kind.TRUNCATED.ordinal()] + summary.truncatedRecords(),
                handler.count[DecodedPacket.Kind.MALFORMED.ordinal()],
                handler.count[DecodedPacket.Kind.UNSUPPORTED_LINK.ordinal()], summary.damage(), entries,
                collector.overflows, hostCheck(classifier), policy.hostPlan().on(), collector.hostOverflows);
    }

    /** The host plan in one line, and what the check could not look at. */
    private String hostCheck(FlowClassifier classifier) {
        String line = policy.hostPlan().describe();
        long unnamed = classifier.framesOnUnnamedInterfaces();
        if (policy.hostPlan().on() && unnamed > 0) {
            line += "; " + unnamed + " frames not checked: the capture does not name their interface (pcap: give --interface)";
        }
        return line;
    }

    /**
     * Decodes each frame into a reused packet and classifies it, or passes it to the classifying
     * thread when there is a pipe.
     */
    private static final class Handler implements FrameHandler {
        private final FlowClassifier classifier;
        private final String interfaceOverride;
        private final PacketPipe pipe;
        private final FrameDecoder decoder = new FrameDecoder();
        private final DecodedPacket packet = new DecodedPacket();
        private final long[] count = new long[DecodedPacket.Kind.values().length];
        private int[] linkTypes = new int[4];

        Handler(FlowClassifier classifier, String interfaceOverride, PacketPipe pipe) {
            this.classifier = classifier;
            this.interfaceOverride = interfaceOverride;
            this.pipe = pipe;
        }

        @Override
        public void interfaceDeclared(int index, int linkType, String name) {
            if (index >= linkTypes.length) {
                linkTypes = Arrays.copyOf(linkTypes, Math.max(index + 1, linkTypes.length * 2));
            }
            linkTypes[index] = linkType;
            String effective = name != null ? name : interfaceOverride;
            if (pipe == null) {
                classifier.interfaceDeclared(index, effective);
            } else {
                pipe.inOrder(() -> classifier.interfaceDeclared(index, effective));
            }
        }

        @Override
        public void frame(int interfaceIndex, long timeNanos, byte[] data, int offset, int capturedLength, int originalLength) {
            DecodedPacket p = pipe == null ? packet : pipe.next();
            DecodedPacket.Kind kind = decoder.decode(interfaceIndex, linkTypes[interfaceIndex], timeNanos, data, offset,
                    capturedLength, originalLength, p);
            count[kind.ordinal()]++;
            if (kind != DecodedPacket.Kind.IP && kind != DecodedPacket.Kind.OTHER) {
                return; // counted; the classifier ignores them
            }
            if (pipe == null) {
                classifier.classify(p);
            } else {
                pipe.commit();
            }
        }
    }

    /** Keeps every finding and counts the packets of each flow. */
    private static final class Collector implements FindingSink {
        final List<Finding> findings = new ArrayList<>();
        long[] packets = new long[16];
        long overflows;
        long hostOverflows;

        @Override
        public void found(int number, Finding finding) {
            findings.add(finding);
            if (number >= packets.length) {
                packets = Arrays.copyOf(packets, packets.length * 2);
            }
            packets[number] = 1;
        }

        @Override
        public void repeated(int number) {
            packets[number]++;
        }

        @Override
        public void tableOverflow(String table, long count) {
            if (table.equals(FlowClassifier.HOST_TABLE)) {
                hostOverflows = count;
            } else {
                overflows = count;
            }
        }
    }
}
