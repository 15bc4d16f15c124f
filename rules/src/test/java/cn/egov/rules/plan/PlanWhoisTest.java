package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlanWhoisTest {

    private static PlanWhois whois;

    @BeforeAll
    static void load() throws Exception {
        whois = new PlanWhois(PlanParser.forHebei().parse(Path.of("plan")).plan(), Divisions.hebei());
    }

    @Test
    void addressPrefixAndName() {
        PlanWhois.Answer a = whois.ask("10.6.8.9");
        assertEquals("130602-001", a.owner().code());
        assertEquals("河北省 保定市 竞秀区 竞秀区教育局", a.ownerName());
        assertTrue(a.source().toString().endsWith("20-hebei.plan:" + a.source().line()));

        PlanWhois.Answer p = whois.ask("10.6.8.0/21");
        assertEquals(PlanWhois.QueryKind.PREFIX, p.kind());
        assertEquals("130602", p.owner().code());
        assertTrue(p.within().contains("alloc 130602-001 internal 10.6.8.0/25"), p.within().toString());

        assertEquals("130600-012", whois.ask("slj.bd.gov.cn").owner().code());
        assertEquals("130602-001", whois.ask("oa.jyj.jingxiu.hebei.egov").owner().code());
        assertEquals("1306", whois.ask("www.bd.gov.cn").owner().code());
        assertEquals("130602-001", whois.ask("2001:db8:601:1ff::1").owner().code());
    }

    @Test
    void unknownIsNotFound() {
        assertFalse(whois.ask("192.0.2.1").found());
        assertFalse(whois.ask("example.org").found());
        // inside an aggregate but nobody's: found (the aggregate) yet without an owner
        PlanWhois.Answer a = whois.ask("10.200.0.1");
        assertTrue(a.found());
        assertEquals(null, a.owner());
    }
}
