package cn.egov.manager.taskbook;

import cn.egov.manager.support.StoreKind;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static cn.egov.manager.evidence.EvidenceFeed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.evidence.EvidenceFeed;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task book's derived statuses follow what the boxes reported in the year (fed through the
 * manager's decoder and batch store): a unit whose box shows each task done has them done, one
 * whose reports show otherwise has them not done, a report of another year counts for that year
 * only, no report is no data. Entries made by hand keep their note, person and time, the newest
 * one decides, the history stays. Progress per city counts the units that have done each task and
 * the share of all tasks done.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class TaskbookBuilderTest {

    @Parameter
    StoreKind kind;

    static final String GOOD = "130602-001";
    static final String BAD = "130602-002";
    static final String LAST_YEAR = "130681-003";
    static final String SHIJIAZHUANG = "130102-004";
    static final long NOW = at("2026-12-31T12:00:00");

    @TempDir
    Path dir;
    Database db;
    EvidenceFeed feed;
    TaskbookStore store;
    TaskbookBuilder builder;

    @BeforeEach
    void open() throws Exception {
        db = kind.open(dir);
        feed = new EvidenceFeed(db);
        store = new TaskbookStore(db);
        builder = new TaskbookBuilder(new EvidenceStore(db), new UnitDirectory(Optional::empty, feed.fleet(), PlaceNames.HEBEI), store);
        for (String u : List.of(GOOD, BAD, LAST_YEAR, SHIJIAZHUANG)) {
            feed.birth(u, at("2025-06-01T09:00:00"));
        }
        long t = at("2026-04-01T10:00:00");
        feed.telemetry(GOOD, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, Map.of(MoreWire.VPN_STATE, "DOWN"), t);
        feed.telemetry(GOOD, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, Map.of(MoreWire.VPN_STATE, "UP"), t + 1000);
        feed.telemetry(GOOD, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "IN_FORCE",
                BoxMetrics.POLICY_NAME, "baseline", BoxMetrics.POLICY_VERSION, "2026.1"), t);
        feed.telemetry(GOOD, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, Map.of(AddressPlanMetrics.CONFORMS, true), t);
        feed.telemetry(GOOD, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, Map.of(MoreWire.CERT_ENROLLED, true, MoreWire.CERT_SERIAL, "0A",
                MoreWire.CERT_NOT_AFTER, at("2027-03-01T00:00:00")), t);
        feed.telemetry(GOOD, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn", PortalMetrics.REACHABLE, true), t);
        feed.telemetry(GOOD, MoreWire.EXCHANGE_APP, "delivered", Map.of("message_id", "m1"), t);
        feed.roster(GOOD, 3, t);

        feed.telemetry(BAD, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, Map.of(MoreWire.VPN_STATE, "DOWN"), t);
        feed.telemetry(BAD, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "IN_FORCE"), t);
        feed.telemetry(BAD, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "DRIFT"), t + 1);
        feed.telemetry(BAD, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, Map.of(AddressPlanMetrics.CONFORMS, false,
                AddressPlanMetrics.FINDINGS, 2L), t);
        feed.telemetry(BAD, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, Map.of(MoreWire.CERT_ENROLLED, true, MoreWire.CERT_SERIAL, "0B",
                MoreWire.CERT_NOT_AFTER, at("2026-10-01T00:00:00")), t);
        feed.telemetry(BAD, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn", PortalMetrics.REACHABLE, true), t);
        feed.telemetry(BAD, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn", PortalMetrics.REACHABLE, false), t + 1);

        long lastYear = at("2025-08-01T10:00:00");
        feed.telemetry(LAST_YEAR, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, Map.of(MoreWire.VPN_STATE, "UP"), lastYear);
        feed.telemetry(LAST_YEAR, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "IN_FORCE"), lastYear);
        feed.roster(LAST_YEAR, 1, lastYear);
        feed.dutyReport(LAST_YEAR, "r-2026", false, at("2026-12-31T23:59:59"), null);
    }

    private Entry entry(String unit, AnnualTask task, boolean done, String note, String by, String role, String time) {
        return new Entry(2026, unit, task, done, note, by, role, at(time));
    }

    @Test
    void derivedStatusesFollowTheReportsOfTheYear() throws Exception {
        Taskbook book = builder.build(2026, new Scope("13"), u -> true, NOW);
        assertEquals(List.of(SHIJIAZHUANG, GOOD, BAD, LAST_YEAR), book.units().stream().map(u -> u.unit().code()).toList());
        UnitTasks good = book.units().get(1);
        for (AnnualTask t : AnnualTask.values()) {
            assertEquals(t.derived ? TaskStatus.DONE : TaskStatus.NOT_ENTERED, good.task(t).status(), t + ": " + good.task(t).basis());
        }
        assertTrue(good.task(AnnualTask.BACKBONE).basis().startsWith("隧道建立 tunnel up, last reported 2026-04-01 10:00:01"), good.task(AnnualTask.BACKBONE).basis());
        UnitTasks bad = book.units().get(2);
        Map<AnnualTask, TaskStatus> expected = Map.of(AnnualTask.BACKBONE, TaskStatus.NOT_DONE, AnnualTask.ISOLATION, TaskStatus.NOT_DONE,
                AnnualTask.ADDRESS_PLAN, TaskStatus.NOT_DONE, AnnualTask.CA_CERTIFICATE, TaskStatus.NOT_DONE, AnnualTask.PORTAL, TaskStatus.NOT_DONE,
                AnnualTask.EXCHANGE, TaskStatus.NO_DATA, AnnualTask.DUTY, TaskStatus.NO_DATA);
        expected.forEach((t, s) -> assertEquals(s, bad.task(t).status(), t + ": " + bad.task(t).basis()));
        assertTrue(bad.task(AnnualTask.CA_CERTIFICATE).basis().contains("valid until 2026-10-01"), "expired before the year's end");
        UnitTasks last = book.units().get(3);
        assertEquals(TaskStatus.NO_DATA, last.task(AnnualTask.BACKBONE).status(), "2025's tunnel does not count in 2026");
        assertEquals(TaskStatus.NO_DATA, last.task(AnnualTask.ISOLATION).status());
        assertEquals(TaskStatus.DONE, last.task(AnnualTask.DUTY).status(), "a report on the year's last second: " + last.task(AnnualTask.DUTY).basis());
        for (AnnualTask t : AnnualTask.values()) {
            assertTrue(t.derived ? book.units().get(0).task(t).status() == TaskStatus.NO_DATA
                    : book.units().get(0).task(t).status() == TaskStatus.NOT_ENTERED, "a silent unit: " + t);
        }

        UnitTasks in2025 = builder.build(2025, new Scope(LAST_YEAR), u -> true, NOW).units().get(0);
        assertEquals(TaskStatus.DONE, in2025.task(AnnualTask.BACKBONE).status());
        assertEquals(TaskStatus.DONE, in2025.task(AnnualTask.ISOLATION).status());
        assertEquals(TaskStatus.DONE, in2025.task(AnnualTask.DUTY).status(), "the roster of 2025");

        Taskbook midYear = builder.build(2026, new Scope(GOOD), u -> true, at("2026-06-01T00:00:00"));
        assertEquals(TaskStatus.DONE, midYear.units().get(0).task(AnnualTask.CA_CERTIFICATE).status());
        Taskbook expiredNow = builder.build(2026, new Scope(BAD), u -> true, at("2026-06-01T00:00:00"));
        assertEquals(TaskStatus.DONE, expiredNow.units().get(0).task(AnnualTask.CA_CERTIFICATE).status(),
                "in June the certificate that expires in October is valid: the current year is judged now");
    }

    @Test
    void entriesKeepNotePersonAndTimeAndTheNewestDecides() throws Exception {
        store.add(entry(GOOD, AnnualTask.TRAINING, true, "2026年5月培训，签到表存档 A-12", "noc-wang", "noc", "2026-05-10T09:00:00"));
        store.add(entry(GOOD, AnnualTask.SECURITY_RULES, true, "制度已印发", "noc-wang", "noc", "2026-05-10T09:01:00"));
        store.add(entry(GOOD, AnnualTask.SECURITY_RULES, false, "复查：制度未落实到科室", "bd-tech", "technician", "2026-06-02T15:30:00"));
        store.add(new Entry(2025, GOOD, AnnualTask.TRAINING, false, "last year's", "noc-wang", "noc", at("2025-05-10T09:00:00")));
        UnitTasks good = builder.build(2026, new Scope(GOOD), u -> true, NOW).units().get(0);
        TaskCell training = good.task(AnnualTask.TRAINING);
        assertEquals(TaskStatus.DONE, training.status());
        assertEquals("2026年5月培训，签到表存档 A-12", training.basis());
        assertEquals("noc-wang (noc)", training.enteredBy());
        assertEquals(at("2026-05-10T09:00:00"), training.enteredAt());
        TaskCell rules = good.task(AnnualTask.SECURITY_RULES);
        assertEquals(TaskStatus.NOT_DONE, rules.status(), "the newest entry decides");
        assertEquals("bd-tech (technician)", rules.enteredBy());
        assertEquals(List.of("复查：制度未落实到科室", "制度已印发", "2026年5月培训，签到表存档 A-12"),
                store.history(2026, new Scope("130602"), 10).stream().map(Entry::note).toList(), "the history stays, newest first");
        assertEquals(TaskStatus.DONE, good.task(AnnualTask.TRAINING).status(), "2025's entry belongs to 2025");
        assertEquals(TaskStatus.NOT_DONE, builder.build(2025, new Scope(GOOD), u -> true, NOW).units().get(0).task(AnnualTask.TRAINING).status());
    }

    @Test
    void progressPerCityCountsWhatIsDone() throws Exception {
        store.add(entry(GOOD, AnnualTask.TRAINING, true, "done", "noc-wang", "noc", "2026-05-10T09:00:00"));
        Taskbook book = builder.build(2026, new Scope("13"), u -> true, NOW);
        List<Progress> cities = book.perCity();
        assertEquals(List.of("1301", "1306"), cities.stream().map(Progress::code).toList());
        Progress sjz = cities.get(0);
        assertEquals("石家庄市", sjz.name());
        assertEquals(1, sjz.units());
        assertEquals(0, sjz.done());
        assertEquals(10, sjz.total());
        Progress bd = cities.get(1);
        assertEquals("保定市", bd.name());
        assertEquals(3, bd.units());
        // GOOD: the 7 derived and TRAINING; LAST_YEAR: DUTY (a report of 2026); BAD: none
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 2, 0, 0, 1), bd.donePerTask());
        assertEquals(9, bd.done());
        assertEquals(30, bd.total());
        assertEquals(30, bd.percent());
        Progress all = book.total("河北省");
        assertEquals(4, all.units());
        assertEquals(9, all.done());
        assertEquals(40, all.total());
        assertEquals(22, all.percent(), "rounded down");

        Taskbook tech = builder.build(2026, new Scope("13"), u -> u.startsWith("130602"), NOW);
        assertEquals(List.of(GOOD, BAD), tech.units().stream().map(u -> u.unit().code()).toList(), "a technician's county only");
        assertEquals(8, tech.total("").done());
    }
}
