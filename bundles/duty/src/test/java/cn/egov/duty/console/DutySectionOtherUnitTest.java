package cn.egov.duty.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.duty.DutyActor;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutySettings;
import cn.egov.duty.FiledReport;
import cn.egov.duty.Incident;
import cn.egov.duty.IncidentDraft;
import cn.egov.duty.ReportDraft;
import cn.egov.duty.store.DutyStore;
import cn.egov.api.duty.DutyReport;
import cn.egov.rules.unit.UnitCode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box that exchanges documents for several units has console accounts of units it does not
 * report duty for. Their duty officers may not read the box unit's events, reports (casualties,
 * the reporter's phone), CAP exports or roster, by page or by API: they could, while every write
 * was refused. The console's part (log-in, role, CSRF) is stood in for by {@link DutyServer}.
 */
class DutySectionOtherUnitTest {

    @TempDir
    Path dir;
    DutyStore store;
    DutyServer server;
    String reportId;

    @BeforeEach
    void serve() throws Exception {
        store = new DutyStore(dir.resolve("duty.db"));
        TelemetryPublisher telemetry = (app, resource, payload, priority) -> { };
        DutyDesk desk = new DutyDesk(UnitCode.parse("130602-001"), store, new DutySettings(dir.resolve("duty.db"), DeadlineRules.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(15), Set.of(), 31), telemetry, Clock.systemUTC());
        DutyActor officer = new DutyActor("duty-zhang", "130602-001", true, false);
        Incident i = desk.register(new IncidentDraft("化工厂火灾", ReportLevel.LARGE, EventCategory.ACCIDENT, ReportStatus.ACTUAL,
                Clock.systemUTC().instant().minusSeconds(600)), officer);
        FiledReport f = desk.file(i.key(), new ReportDraft(ReportKind.INITIAL, 0, ReportLevel.LARGE, null, "竞秀区化工园区", "起火",
                "消防已到场", new DutyReport.Casualties(0, 2, 0), "张三", "13800000000"), officer);
        reportId = f.report().id();
        server = new DutyServer(new DutySection(desk, Clock.systemUTC()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    HttpResponse<String> get(String path, String unit) throws Exception {
        return server.get(path, unit);
    }

    @Test
    void anotherUnitsDutyOfficerReadsNothingOfTheBoxUnit() throws Exception {
        List<String> paths = List.of("/duty/", "/duty/event/1", "/duty/roster", "/duty/report/" + reportId + "/cap",
                "/duty/api/events", "/duty/api/events/1", "/duty/api/roster");
        for (String p : paths) {
            HttpResponse<String> own = get(p, "130602-001");
            assertEquals(200, own.statusCode(), p + ": " + own.body());
            HttpResponse<String> other = get(p, "130602-002");
            assertEquals(403, other.statusCode(), p + ": " + other.body());
            assertTrue(other.body().contains("duty-li belongs to unit 130602-002, this box reports for 130602-001"), p + ": " + other.body());
            assertFalse(other.body().contains("化工厂") || other.body().contains("13800000000"), p + ": " + other.body());
        }
    }
}
