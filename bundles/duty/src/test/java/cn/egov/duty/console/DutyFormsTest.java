package cn.egov.duty.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.api.time.BeijingTime;
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
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duty forms answer a success with 303 to the page that shows it (post/redirect/get): a refresh
 * of that page sends nothing again, where it used to re-post and show a refusal after a good
 * filing. A refusal comes back as 400 (403 for what the account may not do) with the reason in one
 * line and the form filled in as it was sent; it used to be a 200, so a client or a browser test
 * could not tell it from a page. The result shown after the redirect is what the store holds, not
 * what the link says. The shift forms offer the known shifts; the desk checks the id sent back.
 */
class DutyFormsTest {
    private static final String UNIT = "130602-001";
    private static final String OFFICER = "DUTY_OFFICER";

    @TempDir
    Path dir;
    DutyStore store;
    DutyDesk desk;
    DutyServer server;
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
        server = new DutyServer(new DutySection(desk, Clock.systemUTC()));
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
        assertEquals(400, again.statusCode(), "a refusal is answered with the page and 400");
        assertTrue(again.body().contains("未保存 Not stored") && again.body().contains("already has its 初报")
                && again.body().contains("id=\"report-form\""), again.body());

        // a link claims what the store does not hold: nothing is shown
        assertFalse(server.get("/duty/event/" + large + "?filed=" + id, UNIT).body().contains("已报送"), "another event's report");
        assertFalse(server.get("/duty/event/" + large + "?noted=phone", UNIT).body().contains("已记录电话报告"), "no phone report");
    }

    @Test
    void theDeskStatesTheDeadlinesInWordsNotInTheConfigurationsSyntax() throws Exception {
        String desk = server.get("/duty/", UNIT).body();
        assertTrue(desk.contains("较大 书面 1 小时") && desk.contains("Ⅲ written 1 h") && !desk.contains("large=-/1h"), desk);
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
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("no shift 'day-1'"), refused.body());
    }

    @Test
    void everyRefusedFormIsA400WithTheReasonInOneLineAndTheFormAsItWasSent() throws Exception {
        // record an event without its level
        HttpResponse<String> event = server.post("/duty/events", UNIT, OFFICER, "_csrf=test-csrf&title=" + enc("桥梁垮塌")
                + "&level=&category=ACCIDENT&status=EXERCISE&occurred=2026-07-01T09:20");
        refused(400, event, "level", "id=\"register\"");
        assertTrue(event.body().contains("value=\"桥梁垮塌\"") && event.body().contains("value=\"2026-07-01T09:20\"")
                && event.body().contains("<option value=\"EXERCISE\" selected>"), event.body());

        // a 续报 out of sequence: the officer's description and casualties come back
        HttpResponse<String> report = server.post("/duty/event/" + large + "/report", UNIT, OFFICER, "_csrf=test-csrf&number=3&kind="
                + enc("续报") + "&level=LARGE&location=" + enc("化工园区") + "&description=" + enc("火势已控制<b>") + "&measures="
                + enc("疏散") + "&deaths=1&injured=4&missing=0&reporter=" + enc("赵六") + "&phone=13800000002");
        refused(400, report, "of event " + large, "id=\"report-form\"");
        assertTrue(report.body().contains(">火势已控制&lt;b&gt;</textarea>") && report.body().contains("value=\"化工园区\"")
                && report.body().contains("name=\"injured\" type=\"number\" min=\"0\" value=\"4\"")
                && report.body().contains("value=\"赵六\"") && report.body().contains("value=\"13800000002\""), report.body());

        // the phone report by an account that is not a duty officer
        refused(403, server.post("/duty/event/" + major + "/phone", UNIT, "TECHNICIAN", "_csrf=test-csrf"), "not a duty officer", "id=\"event\"");

        // a shift that ends before it starts: the technician's entries come back in the shift form, not in the swap form
        HttpResponse<String> shift = server.post("/duty/roster/shift", UNIT, "TECHNICIAN", "_csrf=test-csrf&id=night-2&start=2099-01-02T20:00"
                + "&end=2099-01-02T08:00&role=LEAD&person=" + enc("孙七") + "&phone=0312-7654321");
        refused(400, shift, "before it starts", "id=\"shift-form\"");
        assertTrue(shift.body().contains("id=\"shift-id\" name=\"id\" list=\"known-shifts\" value=\"night-2\"")
                && shift.body().contains("value=\"2099-01-02T08:00\"") && shift.body().contains("value=\"孙七\"")
                && shift.body().contains("<option value=\"LEAD\" selected>"), shift.body());
        assertFalse(shift.body().contains("id=\"swap-person\" name=\"person\" value=\"孙七\""), "the swap form stays empty");

        // a shift set by a duty officer who is not a duty lead
        refused(403, server.post("/duty/roster/shift", UNIT, OFFICER, "_csrf=test-csrf&id=day-9&start=2099-01-01T08:00&end=2099-01-01T20:00"
                + "&role=OFFICER&person=" + enc("王五")), "may not edit the roster", "id=\"swaps\"");
        // a decision on a swap nobody asked for
        refused(400, server.post("/duty/roster/swap/77/approve", UNIT, "TECHNICIAN", "_csrf=test-csrf"), "no swap request 77", "id=\"swaps\"");
        assertTrue(desk.shifts(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).isEmpty(), "nothing stored");
        assertEquals(0, desk.reports(large).size(), "nothing filed");
    }

    @Test
    void theSwapFormOffersTheShiftsUnderWayAndToComeInBeijingTimeAndAMadeUpIdIsRefused() throws Exception {
        DutyActor technician = new DutyActor("wang-tech", UNIT, false, true);
        Instant now = Clock.systemUTC().instant();
        desk.putShift(new Shift("over-1", now.minus(Duration.ofHours(20)), now.minus(Duration.ofHours(8)), ShiftRole.OFFICER, "张三", ""),
                technician);
        desk.putShift(new Shift("now-1", now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(10)), ShiftRole.OFFICER, "李四", ""),
                technician);
        Instant next = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3)); // midnight UTC: 08:00 in Beijing
        desk.putShift(new Shift("next-1", next, next.plus(Duration.ofHours(12)), ShiftRole.LEAD, "王五", ""), technician);

        String page = server.get("/duty/roster", UNIT).body();
        assertTrue(page.contains("<select id=\"swap-shift\""), "the shift to swap is a choice, not typed: " + page);
        String select = page.substring(page.indexOf("<select id=\"swap-shift\""), page.indexOf("</select>", page.indexOf("id=\"swap-shift\"")));
        assertTrue(select.contains("<option value=\"now-1\">now-1 · " + BeijingTime.toMinute(now.minus(Duration.ofHours(2)))), select);
        String day = next.atOffset(BeijingTime.ZONE).toLocalDate().toString();
        assertTrue(select.contains("<option value=\"next-1\">next-1 · " + day + " 08:00 – " + day + " 20:00 北京时间 · 带班领导 王五</option>"), select);
        assertFalse(select.contains("over-1"), "a shift that is over cannot be swapped: " + select);

        HttpResponse<String> madeUp = server.post("/duty/roster/swap", UNIT, OFFICER, "_csrf=test-csrf&shift=day-404&person=" + enc("赵六")
                + "&reason=" + enc("家中有事"));
        refused(400, madeUp, "no shift 'day-404'", "id=\"swap-form\"");
        assertTrue(madeUp.body().contains("id=\"swap-person\" name=\"person\" value=\"赵六\""), madeUp.body());
        assertTrue(desk.swaps(false, 10).isEmpty(), "nothing asked for");

        HttpResponse<String> chosen = server.post("/duty/roster/swap", UNIT, OFFICER, "_csrf=test-csrf&shift=next-1&person=" + enc("赵六"));
        assertEquals(303, chosen.statusCode(), chosen.body());
        assertEquals("next-1", desk.swaps(false, 10).get(0).shiftId());
    }

    /** A refused form: the status, the reason in one line (the verdict), and the form again. */
    private static void refused(int status, HttpResponse<String> r, String reason, String form) {
        assertEquals(status, r.statusCode(), r.body());
        String body = r.body();
        int at = body.indexOf("<p id=\"verdict\" class=\"message bad\">");
        assertTrue(at >= 0, body);
        String verdict = body.substring(at, body.indexOf("</p>", at));
        assertTrue(verdict.contains(reason) && !verdict.contains("\n"), verdict);
        assertTrue(body.contains(form), body);
    }

    private static String location(HttpResponse<String> r) {
        String l = r.headers().firstValue("Location").orElseThrow();
        return l.replaceFirst("^https?://[^/]+", "");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
