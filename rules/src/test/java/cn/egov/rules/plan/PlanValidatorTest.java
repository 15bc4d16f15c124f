package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.plan.PlanFinding.Kind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plants one conflict of every kind on a known line and expects exactly those findings. */
class PlanValidatorTest {

    private static final String BASE = String.join("\n",
            "option internal-suffix hebei.egov",            // 1
            "aggregate internal 10.0.0.0/8",                // 2
            "aggregate external 198.18.0.0/15",             // 3
            "reserved 10.255.0.0/16 data centre",           // 4
            "place 1306 bd",                                 // 5
            "place 130602 jingxiu",                          // 6
            "unit 130600-012 slj 保定市水利局",              // 7
            "unit 130602-001 jyj 竞秀区教育局",              // 8
            "alloc 1306 internal 10.6.0.0/16",               // 9
            "alloc 1306 external 198.18.80.0/20",            // 10
            "alloc 130602 internal 10.6.8.0/21",             // 11
            "alloc 130606 internal 10.6.16.0/21",            // 12
            "alloc 130602-001 internal 10.6.8.0/25",         // 13
            "alloc 130600-012 internal 10.6.200.0/24",       // 14
            "domain 1306 www.bd.gov.cn",                     // 15
            "domain 130600-012 slj.bd.gov.cn",               // 16
            "domain 130602-001 jyj.jingxiu.gov.cn",          // 17
            "domain 130602-001 oa.jyj.jingxiu.hebei.egov",   // 18
            "alloc 1301 internal 10.1.0.0/16",               // 19
            "alloc 130102 internal 10.1.8.0/21",             // 20
            "");

    private static final String PLANTED = String.join("\n",
            "alloc 130606 internal 10.6.16.0/21",            // 1 overlap: same prefix as base:12
            "alloc 130602-002 internal 10.6.16.0/25",        // 2 foreign space: inside 130606
            "alloc 130606-001 internal 10.6.100.0/24",       // 3 outside parent: in city, not in county 130606
            "alloc 1307 internal 11.0.0.0/16",               // 4 outside parent: outside every aggregate
            "alloc 130602-001 internal 10.6.8.0/26",         // 5 overlap: inside its own block
            "alloc 130602-003 internal 10.255.1.0/24",       // 6 reserved
            "domain 130600-012 slj.bd.gov.cn",               // 7 duplicate
            "domain 130602-001 Bad_Name.gov.cn",             // 8 malformed
            "domain 130602-001 jyj.bd.gov.cn",               // 9 convention: wrong place
            "domain 1306 bd.gov.cn",                         // 10 convention: portal without www
            "alloc 1306 internal 10.6.17.0/24",              // 11 overlap: city block inside its county's
            "alloc 130602-001 external 198.18.80.0/25",      // 12 outside parent: county holds no external, city does -> ok
            "aggregate internal 10.6.0.0/12",                // 13 syntax: host bits set
            "frobnicate 1 2",                                // 14 syntax: unknown directive
            "alloc 139999 internal 10.9.0.0/16",             // 15 syntax: unknown division
            "alloc 1309 internal 10.9.0.0/16",               // 16 unused warning: city never sub-allocated
            "alloc 130602-001 external 10.6.8.128/26",       // 17 outside parent: external block in the internal space
            "");

    private static Map<String, String> files() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("base.plan", BASE);
        m.put("planted.plan", PLANTED);
        return m;
    }

    private static List<PlanFinding> all() {
        PlanParser.Result r = PlanParser.forHebei().parse(files());
        List<PlanFinding> out = new java.util.ArrayList<>(r.findings());
        out.addAll(new PlanValidator().validate(r.plan()));
        return out;
    }

    private static void expect(List<PlanFinding> findings, Kind kind, String file, int line, String fragment) {
        assertTrue(findings.stream().anyMatch(f -> f.kind() == kind && f.source().file().equals(file)
                        && f.source().line() == line && f.message().contains(fragment)),
                () -> "expected " + kind + " at " + file + ":" + line + " mentioning '" + fragment + "' in\n"
                        + String.join("\n", findings.stream().map(PlanFinding::toString).toList()));
    }

    @Test
    void cleanBaseHasNoErrors() {
        PlanParser.Result r = PlanParser.forHebei().parse("base.plan", BASE);
        assertEquals(List.of(), r.findings());
        List<PlanFinding> errors = new PlanValidator().validate(r.plan()).stream()
                .filter(f -> f.severity() == PlanFinding.Severity.ERROR).toList();
        assertEquals(List.of(), errors);
    }

    @Test
    void everyPlantedConflictIsFoundAtItsLine() {
        List<PlanFinding> f = all();
        String p = "planted.plan";
        expect(f, Kind.OVERLAP, p, 1, "repeats the prefix of alloc 130606 internal 10.6.16.0/21 at base.plan:12");
        expect(f, Kind.FOREIGN_SPACE, p, 2, "130606's space");
        expect(f, Kind.OUTSIDE_PARENT, p, 3, "skips its parent 130606");
        expect(f, Kind.OUTSIDE_PARENT, p, 4, "outside every internal aggregate");
        expect(f, Kind.OVERLAP, p, 5, "same owner's");
        expect(f, Kind.RESERVED, p, 6, "reserved 10.255.0.0/16");
        expect(f, Kind.DOMAIN_DUPLICATE, p, 7, "already held by 130600-012 at base.plan:16");
        expect(f, Kind.DOMAIN_MALFORMED, p, 8, "lower case");
        expect(f, Kind.DOMAIN_CONVENTION, p, 9, "expected jyj.jingxiu.gov.cn");
        expect(f, Kind.DOMAIN_CONVENTION, p, 10, "expected www.bd.gov.cn");
        expect(f, Kind.OVERLAP, p, 11, "descendant's");
        expect(f, Kind.SYNTAX, p, 13, "host bits");
        expect(f, Kind.SYNTAX, p, 14, "unknown directive 'frobnicate'");
        expect(f, Kind.SYNTAX, p, 15, "139999");
        expect(f, Kind.UNUSED, p, 16, "never sub-allocated");
        expect(f, Kind.OUTSIDE_PARENT, p, 17, "lies in the internal allocation alloc 130602 internal 10.6.8.0/21");
        expect(f, Kind.OUTSIDE_PARENT, p, 6, "outside every internal allocation of its parent 130602");
        // line 12 is a legal placement: a unit directly in its city's block when its county holds none
        assertTrue(f.stream().noneMatch(x -> x.source().file().equals(p) && x.source().line() == 12), f.toString());
        long errors = f.stream().filter(x -> x.severity() == PlanFinding.Severity.ERROR).count();
        assertEquals(16, errors, String.join("\n", f.stream().map(PlanFinding::toString).toList()));
    }

    @Test
    void unusedSpaceIsReportedWithFreeBlocks() {
        PlanParser.Result r = PlanParser.forHebei().parse("u.plan", String.join("\n",
                "aggregate internal 10.0.0.0/8",
                "alloc 1306 internal 10.0.0.0/9",
                "alloc 130602 internal 10.0.0.0/10",
                "aggregate external 198.18.0.0/15"));
        List<PlanFinding> f = new PlanValidator().validate(r.plan());
        expect(f, Kind.UNUSED, "u.plan", 1, "50.0% unallocated, e.g. [10.128.0.0/9]");
        expect(f, Kind.UNUSED, "u.plan", 4, "has no allocations");
        assertTrue(f.stream().noneMatch(x -> x.source().line() == 2), f.toString());
    }

    @Test
    void shippedHebeiPlanHasNoErrors() throws Exception {
        Path dir = Path.of("plan");
        PlanParser.Result r = PlanParser.forHebei().parse(dir);
        assertEquals(List.of(), r.findings());
        List<PlanFinding> errors = new PlanValidator().validate(r.plan()).stream()
                .filter(x -> x.severity() == PlanFinding.Severity.ERROR).toList();
        assertEquals(List.of(), errors);
        assertEquals(11 * 3 + 167 * 3, r.plan().allocations().stream().filter(a -> !a.owner().isUnit()).count());
    }
}
