package cn.egov.manager.report;

import cn.egov.manager.support.StoreKind;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static cn.egov.manager.evidence.EvidenceFeed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.Alarm.Severity;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.evidence.EvidenceFeed;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.export.EvidenceDigest;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's verdicts follow the stored evidence, fed through the manager's own decoder and
 * batch store with chosen receipt times: a unit with everything in order passes every item it has
 * data for; a unit with drift still open, a CRITICAL violation, a route to the Internet, an
 * address-plan finding, an expired certificate, a late duty report and an unreachable site fails
 * each of them with the events behind; a silent unit has no data. The period's bounds hold to the
 * millisecond on both sides ([start, end)), and a state reported after the end is not the state at
 * the end.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ReportBuilderTest {

    @Parameter
    StoreKind kind;

    static final String GOOD = "130602-001";
    static final String BAD = "130602-002";
    static final String SILENT = "130602-003";
    static final String OTHER_COUNTY = "130681-003";
    static final Period MARCH = new Period(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 31));
    static final long START = at("2026-03-01T00:00:00");
    static final long END = at("2026-04-01T00:00:00");

    @TempDir
    Path dir;
    Database db;
    EvidenceFeed feed;
    ReportBuilder builder;
    String revokedSerial;

    @BeforeEach
    void open() throws Exception {
        db = kind.open(dir);
        db.migrate("report", new ReportPart(null, Optional::empty).migrations());
        feed = new EvidenceFeed(db);
        builder = new ReportBuilder(new EvidenceStore(db), new UnitDirectory(Optional::empty, feed.fleet(), PlaceNames.HEBEI), PlaceNames.HEBEI,
                serial -> serial.equals(revokedSerial) ? at("2026-03-20T10:00:00") : 0, 3);
        for (String u : List.of(GOOD, BAD, SILENT, OTHER_COUNTY)) {
            feed.birth(u, at("2026-01-05T09:00:00"));
        }
    }

    private static Map<String, Object> policy(String state, boolean drift, long verified, String route) {
        return Map.of(BoxMetrics.POLICY_STATE, state, BoxMetrics.POLICY_NAME, "baseline", BoxMetrics.POLICY_VERSION, "2026.1",
                BoxMetrics.POLICY_SHA256, "ab".repeat(32), BoxMetrics.POLICY_DRIFT, drift, BoxMetrics.POLICY_VERIFIED_AT, verified,
                BoxMetrics.ROUTE_STATE, route, BoxMetrics.ROUTE_CHECKED_AT, verified, BoxMetrics.ROUTE_FINDINGS, "NO_ROUTE".equals(route) ? 0L : 2L);
    }

    private static Map<String, Object> certificate(String serial, long notAfter) {
        return Map.of(MoreWire.CERT_ENROLLED, true, MoreWire.CERT_SERIAL, serial, MoreWire.CERT_ISSUER, "CN=Hebei Issuing CA",
                MoreWire.CERT_NOT_AFTER, notAfter);
    }

    private void goodUnit(String u) throws Exception {
        feed.health(u, at("2026-03-10T08:00:00"));
        feed.telemetry(u, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, policy("IN_FORCE", false, at("2026-03-30T12:00:00"), "NO_ROUTE"),
                at("2026-03-30T12:00:01"));
        feed.telemetry(u, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, Map.of(AddressPlanMetrics.CHECK_ID, 7L,
                AddressPlanMetrics.CONFORMS, true, AddressPlanMetrics.ITEMS_CHECKED, 12L, AddressPlanMetrics.FINDINGS, 0L), at("2026-03-15T00:00:00"));
        feed.telemetry(u, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, certificate("0A1B", at("2027-01-01T00:00:00")), at("2026-03-02T00:00:00"));
        feed.telemetry(u, MoreWire.EXCHANGE_APP, "delivered", Map.of("message_id", "m1"), at("2026-03-03T00:00:00"));
        feed.roster(u, 4, at("2026-02-20T00:00:00"));
        feed.dutyReport(u, u + "-r1", false, at("2026-03-04T00:00:00"), at("2026-03-04T00:05:00"));
        feed.telemetry(u, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn",
                PortalMetrics.REACHABLE, true, PortalMetrics.HTTP_STATUS, 200L, PortalMetrics.STALE, false), at("2026-03-31T23:00:00"));
    }

    @Test
    void verdictsFollowTheData() throws Exception {
        goodUnit(GOOD);

        feed.health(BAD, at("2026-03-10T08:00:00"));
        feed.telemetry(BAD, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, policy("DRIFT", true, at("2026-03-09T00:00:00"), "FINDINGS"),
                at("2026-03-20T00:00:00"));
        feed.alarm(BAD, "isolation.policy.drift", Severity.CRITICAL, "the live table differs from the policy", Map.of("differences",
                "- rule never internal-internet missing\n+ accept all"), at("2026-03-20T00:00:00"));
        feed.alarm(BAD, "isolation.outbound", Severity.CRITICAL, "违规外联: 10.6.8.9 reached 8.8.8.8", Map.of("interface", "eth1",
                "src", "10.6.8.9", "dst", "8.8.8.8", "dport", "443"), at("2026-03-21T00:00:00"));
        feed.alarm(BAD, "isolation.route.internet", Severity.CRITICAL, "route exists from internal zone (eth1) to the Internet",
                Map.of(), at("2026-03-21T00:00:01"));
        feed.telemetry(BAD, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, Map.of(AddressPlanMetrics.CHECK_ID, 9L,
                AddressPlanMetrics.CONFORMS, false, AddressPlanMetrics.ITEMS_CHECKED, 12L, AddressPlanMetrics.FINDINGS, 1L), at("2026-03-22T00:00:00"));
        feed.telemetry(BAD, AddressPlanMetrics.APP, AddressPlanMetrics.FINDING_RESOURCE, Map.of(AddressPlanMetrics.CHECK_ID, 9L,
                AddressPlanMetrics.KIND, "INTERFACE_ADDRESS", AddressPlanMetrics.SUBJECT, "eth1", AddressPlanMetrics.OBSERVED, "192.168.1.1/24",
                AddressPlanMetrics.EXPECTED, "10.6.8.0/24"), at("2026-03-22T00:00:01"));
        feed.telemetry(BAD, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, certificate("0B2C", at("2026-03-25T00:00:00")), at("2026-03-02T00:00:00"));
        feed.roster(BAD, 1, at("2026-02-20T00:00:00"));
        feed.dutyReport(BAD, BAD + "-r1", true, at("2026-03-05T00:00:00"), null);
        feed.telemetry(BAD, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn",
                PortalMetrics.REACHABLE, false, PortalMetrics.HTTP_STATUS, 503L, PortalMetrics.STALE, false), at("2026-03-31T23:00:00"));

        AuditReport r = builder.build(new Scope("130602"), u -> true, MARCH);
        assertEquals(List.of(GOOD, BAD, SILENT), r.units().stream().map(u -> u.unit().code()).toList(), "the county's units only, in order");
        assertEquals("竞秀区", r.scopeName());

        UnitReport good = r.units().get(0);
        for (Finding f : good.findings()) {
            assertEquals(Verdict.PASS, f.verdict(), f.item() + ": " + f.summary());
        }
        assertEquals(Verdict.PASS, good.overall());
        assertTrue(good.finding(ReportItem.POLICY).summary().contains("2026.1") && good.finding(ReportItem.POLICY).summary().contains("2026-03-30 12:00:00"),
                "the version and when it was last verified: " + good.finding(ReportItem.POLICY).summary());

        UnitReport bad = r.units().get(1);
        Map<ReportItem, Verdict> expected = Map.of(ReportItem.POLICY, Verdict.FAIL, ReportItem.DRIFT, Verdict.FAIL, ReportItem.VIOLATIONS, Verdict.FAIL,
                ReportItem.ROUTE_GUARD, Verdict.FAIL, ReportItem.ADDRESS_PLAN, Verdict.FAIL, ReportItem.CERTIFICATE, Verdict.FAIL,
                ReportItem.EXCHANGE, Verdict.NO_DATA, ReportItem.DUTY, Verdict.FAIL, ReportItem.PORTAL, Verdict.FAIL);
        expected.forEach((item, v) -> assertEquals(v, bad.finding(item).verdict(), item + ": " + bad.finding(item).summary()));
        assertEquals(Verdict.FAIL, bad.overall());
        Finding violations = bad.finding(ReportItem.VIOLATIONS);
        assertEquals(1, violations.evidenceTotal());
        String line = violations.evidence().get(0);
        assertTrue(line.startsWith("2026-03-21 00:00:00 isolation.outbound CRITICAL: 违规外联") && line.contains("dst=8.8.8.8")
                && line.contains("interface=eth1"), "the violation with its evidence: " + line);
        assertTrue(bad.finding(ReportItem.DRIFT).evidence().get(0).contains("+ accept all"), bad.finding(ReportItem.DRIFT).evidence().toString());
        assertTrue(bad.finding(ReportItem.ADDRESS_PLAN).evidence().get(0).contains("192.168.1.1/24"), bad.finding(ReportItem.ADDRESS_PLAN).toString());
        assertTrue(bad.finding(ReportItem.CERTIFICATE).summary().startsWith("证书已过期 expired"), bad.finding(ReportItem.CERTIFICATE).summary());
        assertTrue(bad.finding(ReportItem.DUTY).summary().contains("迟报 late 1"), bad.finding(ReportItem.DUTY).summary());
        assertTrue(bad.finding(ReportItem.PORTAL).summary().contains("www.jingxiu.gov.cn 不可达 unreachable (HTTP 503)"), bad.finding(ReportItem.PORTAL).summary());

        UnitReport silent = r.units().get(2);
        for (Finding f : silent.findings()) {
            assertEquals(Verdict.NO_DATA, f.verdict(), "a silent box proves nothing: " + f.item() + " " + f.summary());
        }
        assertEquals(Verdict.NO_DATA, silent.overall());

        assertEquals(1, r.summary().get(ReportItem.VIOLATIONS).get(Verdict.PASS));
        assertEquals(1, r.summary().get(ReportItem.VIOLATIONS).get(Verdict.FAIL));
        assertEquals(1, r.summary().get(ReportItem.VIOLATIONS).get(Verdict.NO_DATA));
        assertEquals(Map.of(Verdict.PASS, 1, Verdict.WARN, 0, Verdict.FAIL, 1, Verdict.NO_DATA, 1), r.overall());
    }

    @Test
    void thePeriodsBoundsHoldToTheMillisecond() throws Exception {
        String u = GOOD;
        feed.health(u, START);
        for (long t : new long[]{START - 1, START, END - 1, END}) {
            feed.alarm(u, "isolation.outbound", Severity.CRITICAL, "at " + t, Map.of(), t);
            feed.alarm(u, "isolation.policy.drift", Severity.CRITICAL, "drift at " + t, Map.of(), t);
            feed.telemetry(u, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "s" + t, PortalMetrics.REACHABLE, true,
                    PortalMetrics.STALE, false), t);
            feed.dutyReport(u, "r" + t, true, t, null);
        }
        UnitReport r = builder.build(new Scope(u), x -> true, MARCH).units().get(0);
        assertEquals(2, r.finding(ReportItem.VIOLATIONS).evidenceTotal(), "the first and the last millisecond, not the ones outside");
        assertTrue(r.finding(ReportItem.VIOLATIONS).evidence().get(0).contains("at " + START), r.finding(ReportItem.VIOLATIONS).evidence().toString());
        assertTrue(r.finding(ReportItem.VIOLATIONS).evidence().get(1).contains("at " + (END - 1)), r.finding(ReportItem.VIOLATIONS).evidence().toString());
        assertEquals(2, r.finding(ReportItem.DRIFT).evidenceTotal());
        assertTrue(r.finding(ReportItem.PORTAL).summary().startsWith("2 个站点 site(s), 2 次探测 probes"), r.finding(ReportItem.PORTAL).summary());
        assertTrue(r.finding(ReportItem.DUTY).summary().contains("期内报告 reports 2, 迟报 late 2"), r.finding(ReportItem.DUTY).summary());
        assertEquals(1, r.messages(), "the health message at the first millisecond");

        Period february = new Period(LocalDate.of(2026, 2, 1), LocalDate.of(2026, 2, 28));
        UnitReport feb = builder.build(new Scope(u), x -> true, february).units().get(0);
        assertEquals(1, feb.finding(ReportItem.VIOLATIONS).evidenceTotal(), "February ends one millisecond before March starts");
    }

    @Test
    void theStateAtTheEndIsTheLastReportBeforeIt() throws Exception {
        String u = GOOD;
        feed.health(u, at("2026-03-05T00:00:00"));
        feed.telemetry(u, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, policy("IN_FORCE", false, at("2026-02-10T00:00:00"), "NO_ROUTE"),
                at("2026-02-10T00:00:00"));
        feed.telemetry(u, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, policy("DRIFT", true, at("2026-02-10T00:00:00"), "FINDINGS"), END);
        feed.telemetry(u, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, certificate("0C3D", at("2026-04-15T00:00:00")), at("2026-03-02T00:00:00"));
        UnitReport r = builder.build(new Scope(u), x -> true, MARCH).units().get(0);
        assertEquals(Verdict.WARN, r.finding(ReportItem.POLICY).verdict(), "in force, last verified in February: " + r.finding(ReportItem.POLICY).summary());
        assertEquals(Verdict.PASS, r.finding(ReportItem.ROUTE_GUARD).verdict(), "the FINDINGS report came after the end");
        assertEquals(Verdict.WARN, r.finding(ReportItem.CERTIFICATE).verdict(), "expires 15 days after the period: " + r.finding(ReportItem.CERTIFICATE).summary());

        UnitReport april = builder.build(new Scope(u), x -> true, new Period(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 30))).units().get(0);
        assertEquals(Verdict.FAIL, april.finding(ReportItem.POLICY).verdict());
        assertEquals(Verdict.FAIL, april.finding(ReportItem.ROUTE_GUARD).verdict());
        assertEquals(Verdict.FAIL, april.finding(ReportItem.CERTIFICATE).verdict(), "expired within April");
    }

    @Test
    void aCertificateTheCaRevokedFails() throws Exception {
        revokedSerial = "0D4E";
        feed.telemetry(GOOD, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, certificate(revokedSerial, at("2027-01-01T00:00:00")),
                at("2026-03-02T00:00:00"));
        Finding f = builder.build(new Scope(GOOD), x -> true, MARCH).units().get(0).finding(ReportItem.CERTIFICATE);
        assertEquals(Verdict.FAIL, f.verdict());
        assertTrue(f.summary().startsWith("已被省级CA吊销 revoked by the provincial CA at 2026-03-20 10:00:00"), f.summary());
    }

    @Test
    void eventsBeyondTheBoundAreCountedNotListed() throws Exception {
        feed.health(GOOD, START + 1);
        for (int i = 0; i < 5; i++) {
            feed.alarm(GOOD, "isolation.denied", Severity.MINOR, "denied " + i, Map.of(), START + 10 + i);
        }
        feed.alarm(GOOD, "isolation.outbound", Severity.CLEARED, "ended", Map.of(), START + 20);
        Finding f = builder.build(new Scope(GOOD), x -> true, MARCH).units().get(0).finding(ReportItem.VIOLATIONS);
        assertEquals(5, f.evidenceTotal(), "CLEARED is no violation");
        assertEquals(3, f.evidence().size(), "the bound of 3");
        assertEquals(Verdict.WARN, f.verdict(), "MINOR only");
    }

    @Test
    void aTechniciansViewAndTheEvidenceHash() throws Exception {
        goodUnit(GOOD);
        goodUnit(OTHER_COUNTY);
        AuditReport province = builder.build(new Scope("13"), u -> true, MARCH);
        assertEquals(4, province.units().size());
        AuditReport tech = builder.build(new Scope("13"), u -> u.startsWith("130602"), MARCH);
        assertEquals(List.of(GOOD, BAD, SILENT), tech.units().stream().map(u -> u.unit().code()).toList());

        String sha = EvidenceDigest.of(province).sha256();
        assertEquals(sha, EvidenceDigest.of(builder.build(new Scope("13"), u -> true, MARCH)).sha256(), "same data, same hash");
        feed.alarm(OTHER_COUNTY, "isolation.outbound", Severity.MAJOR, "one more", Map.of(), at("2026-03-12T00:00:00"));
        assertNotEquals(sha, EvidenceDigest.of(builder.build(new Scope("13"), u -> true, MARCH)).sha256(), "one more event, another hash");
    }
}
