package cn.egov.duty.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.duty.DutyActor;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutySettings;
import cn.egov.duty.IncidentDraft;
import cn.egov.duty.store.DutyStore;
import cn.egov.rules.unit.UnitCode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duty forms answer a success with 303 to the page that shows it (post/redirect/get): a refresh
 * of that page sends nothing again, where it used to re-post and show a refusal after a good
 * filing. A refusal still comes back with the form and the reason. The result shown after the
 * redirect is what the store holds, not what the link says.
 */
class DutyFormsTest {
    private static final String UNIT = "130602-001";
    private static final String OFFICER = "DUTY_OFFICER";

    @TempDir
    Path dir;
    DutyStore store;
    DutyDesk desk;
    SectionServer server;
    long major;
    long large;

    @BeforeEach
    void serve() throws Exception {
        store = new DutyStore(dir.resolve("duty.db"));
        desk = new DutyDesk(UnitCode.parse(UNIT), store, new DutySettings(dir.resolve("duty.db"), DeadlineRules.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(15), Set.of(), 31), (app, resource, payload, priority) -> { }, Clock.systemUTC());
        DutyActor officer = new DutyActor("duty-zhang", UNIT, true, false);
        Instant before = Clock.systemUTC().instant().minusSeconds(600);
        major = desk.register(new IncidentDraft("堤防管涌", ReportLevel.MAJOR, EventCategory.NATURAL, ReportStatus.ACTUAL, before), officer).key();
        large = desk.register(new IncidentDraft("化工厂火灾", ReportLevel.LARGE, EventCategory.ACCIDENT, ReportStatus.ACTUAL, before), officer).key();
        server = new SectionServer(new DutySection(desk, Clock.systemUTC()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    @Test
    void aPhoneReportAndAFiledReportRedirectToTheEventWhichShowsThem() throws Exception {
        HttpResponse<String> phone = server.post("/duty/event/" + major + "/phone", UNIT, OFFICER, "_csrf=test-csrf");
        assertEquals(303, phone.statusCode(), phone.body());
        String shown = server.get(location(phone), UNIT).body();
        assertTrue(shown.contains("已记录电话报告 Phone report noted") && shown.contains("已报 done"), shown);

        String initial = "_csrf=test-csrf&number=0&kind=" + enc("初报") + "&level=MAJOR&location=" + enc("府河堤")
                + "&description=" + enc("管涌两处") + "&reporter=" + enc("李四") + "&phone=13800000001";
        HttpResponse<String> filed = server.post("/duty/event/" + major + "/report", UNIT, OFFICER, initial);
        assertEquals(303, filed.statusCode(), filed.body());
        String id = desk.reports(major).get(0).report().id();
        assertEquals("/duty/event/" + major + "?filed=" + id, location(filed));
        String page = server.get(location(filed), UNIT).body();
        assertTrue(page.contains("已报送 Filed 初报 " + id), page);
        assertEquals(page, server.get(location(filed), UNIT).body(), "a refresh shows the same page and files nothing");
        assertEquals(1, desk.reports(major).size());

        HttpResponse<String> again = server.post("/duty/event/" + major + "/report", UNIT, OFFICER, initial);
        assertEquals(200, again.statusCode(), "a refusal is answered with the page, as before");
        assertTrue(again.body().contains("未保存 Not stored") && again.body().contains("already has its 初报")
                && again.body().contains("id=\"report-form\""), again.body());

        // a link claims what the store does not hold: nothing is shown
        assertFalse(server.get("/duty/event/" + large + "?filed=" + id, UNIT).body().contains("已报送"), "another event's report");
        assertFalse(server.get("/duty/event/" + large + "?noted=phone", UNIT).body().contains("已记录电话报告"), "no phone report");
    }

    @Test
    void phoneReportedIsOfferedOnlyWhereTheLevelNeedsIt() throws Exception {
        String needed = server.get("/duty/event/" + major, UNIT).body();
        assertTrue(needed.contains("id=\"phone-form\""), needed);
        String notNeeded = server.get("/duty/event/" + large, UNIT).body();
        assertTrue(notNeeded.contains("不需要 not required") && !notNeeded.contains("id=\"phone-form\""), notNeeded);
    }

    @Test
    void aRosterChangeRedirectsToTheRosterWhichShowsIt() throws Exception {
        String shift = "_csrf=test-csrf&id=day-1&start=2099-01-01T08:00&end=2099-01-01T20:00&role=" + enc("值班员")
                + "&person=" + enc("王五") + "&phone=0312-1234567";
        HttpResponse<String> saved = server.post("/duty/roster/shift", UNIT, "TECHNICIAN", shift);
        assertEquals(303, saved.statusCode(), saved.body());
        assertEquals("/duty/roster?saved=day-1", location(saved));
        assertTrue(server.get(location(saved), UNIT).body().contains("已保存班次 Shift saved: day-1"));
        assertFalse(server.get("/duty/roster?removed=day-1", UNIT).body().contains("已删除班次"), "it is still there");

        HttpResponse<String> removed = server.post("/duty/roster/shift/remove", UNIT, "TECHNICIAN", "_csrf=test-csrf&id=day-1");
        assertEquals(303, removed.statusCode(), removed.body());
        assertTrue(server.get(location(removed), UNIT).body().contains("已删除班次 Shift removed: day-1"));

        HttpResponse<String> refused = server.post("/duty/roster/shift/remove", UNIT, "TECHNICIAN", "_csrf=test-csrf&id=day-1");
        assertEquals(200, refused.statusCode());
        assertTrue(refused.body().contains("no shift 'day-1'"), refused.body());
    }

    private static String location(HttpResponse<String> r) {
        String l = r.headers().firstValue("Location").orElseThrow();
        return l.replaceFirst("^https?://[^/]+", "");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
