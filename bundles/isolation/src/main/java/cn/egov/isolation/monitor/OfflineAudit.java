package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.CaptureFileReader;
import cn.egov.isolation.capture.CaptureFormatException;
import cn.egov.isolation.capture.CaptureSummary;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.FrameHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
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

    private final ClassificationPolicy policy;
    private final String policyIdentity;
    private final String unit;
    private final int flowTable;

    public OfflineAudit(ClassificationPolicy policy, String policyIdentity, String unit) {
        this(policy, policyIdentity, unit, DEFAULT_FLOW_TABLE);
    }

    public OfflineAudit(ClassificationPolicy policy, String policyIdentity, String unit, int flowTable) {
        this.policy = policy;
        this.policyIdentity = policyIdentity;
        this.unit = unit;
        this.flowTable = flowTable;
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
        FlowClassifier classifier = new FlowClassifier(policy, collector, flowTable);
        Handler handler = new Handler(classifier, interfaceName);
        CaptureSummary summary = CaptureFileReader.read(file, handler);
        List<AuditReport.Entry> entries = new ArrayList<>(collector.findings.size());
        for (int i = 0; i < collector.findings.size(); i++) {
            entries.add(new AuditReport.Entry(collector.findings.get(i), collector.packets[i]));
        }
        return new AuditReport(file.toString(), summary.format(), unit, policyIdentity, summary.frames(),
                handler.count[DecodedPacket.Kind.IP.ordinal()], handler.count[DecodedPacket.Kind.OTHER.ordinal()],
                handler.count[DecodedPacket.Kind.TRUNCATED.ordinal()] + summary.truncatedRecords(),
                handler.count[DecodedPacket.Kind.MALFORMED.ordinal()],
                handler.count[DecodedPacket.Kind.UNSUPPORTED_LINK.ordinal()], summary.damage(), entries,
                collector.overflows);
    }

    /** Decodes each frame into one reused packet and classifies it. */
    private static final class Handler implements FrameHandler {
        private final FlowClassifier classifier;
        private final String interfaceOverride;
        private final FrameDecoder decoder = new FrameDecoder();
        private final DecodedPacket packet = new DecodedPacket();
        private final long[] count = new long[DecodedPacket.Kind.values().length];
        private int[] linkTypes = new int[4];

        Handler(FlowClassifier classifier, String interfaceOverride) {
            this.classifier = classifier;
            this.interfaceOverride = interfaceOverride;
        }

        @Override
        public void interfaceDeclared(int index, int linkType, String name) {
            if (index >= linkTypes.length) {
                linkTypes = Arrays.copyOf(linkTypes, Math.max(index + 1, linkTypes.length * 2));
            }
            linkTypes[index] = linkType;
            classifier.interfaceDeclared(index, name != null ? name : interfaceOverride);
        }

        @Override
        public void frame(int interfaceIndex, long timeNanos, ByteBuffer data, int offset, int capturedLength, int originalLength) {
            DecodedPacket.Kind kind = decoder.decode(interfaceIndex, linkTypes[interfaceIndex], timeNanos, data, offset,
                    capturedLength, originalLength, packet);
            count[kind.ordinal()]++;
            classifier.classify(packet);
        }
    }

    /** Keeps every finding and counts the packets of each flow. */
    private static final class Collector implements FindingSink {
        final List<Finding> findings = new ArrayList<>();
        long[] packets = new long[16];
        long overflows;

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
            overflows = count;
        }
    }
}
