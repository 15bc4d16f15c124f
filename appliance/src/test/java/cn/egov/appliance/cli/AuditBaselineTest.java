package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.LinkType;
import cn.egov.isolation.capture.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code appliance audit} with the province's own baseline policy and address plan from {@code rules/}. */
class AuditBaselineTest {

    private static final Path BASELINE = Path.of("../rules/policy/baseline");
    private static final Path PLAN = Path.of("../rules/plan");

    @TempDir
    Path dir;

    @Test
    void theBaselineCatchesAnInternalHostOfAUnitReachingTheInternet() throws Exception {
        Path file = dir.resolve("unit.pcapng");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec("eth1", LinkType.ETHERNET), new PcapWriter.InterfaceSpec("ipsec0", LinkType.RAW)))) {
            // 130602-001's internal host to a provincial service through the tunnel: allowed
            w.frame(1, 1_000_000_000L, FrameBuilder.rawIp().ip("10.6.8.20", "10.200.3.4").tcp(40000, 443, DecodedPacket.TCP_SYN, 0).build());
            // and to an Internet address: 违规外联
            w.frame(0, 2_000_000_000L, FrameBuilder.ethernet("02:00:00:00:01:14", "02:00:00:00:00:f1")
                    .ip("10.6.8.20", "198.51.100.7").tcp(40001, 443, DecodedPacket.TCP_SYN, 0).build());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new AuditCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--policy", BASELINE.toString(), "--plan", PLAN.toString(), "--unit", "130602-001",
                "--pcap", file.toString(), "--json");
        assertEquals(1, exit, err.toString() + out);
        Object findings = ((java.util.Map<?, ?>) cn.egov.api.json.JsonValues.parse(out.toString())).get("findings");
        assertEquals(1, ((List<?>) findings).size(), out.toString());
        assertTrue(out.toString().contains("\"isolation.outbound\"") && out.toString().contains("198.51.100.7"), out.toString());
        assertTrue(out.toString().contains("hebei-baseline"), out.toString());
    }
}
