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
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
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
import gg.jte.Content;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box that exchanges documents for several units has console accounts of units it does not
 * report duty for. Their duty officers may not read the box unit's events, reports (casualties,
 * the reporter's phone), CAP exports or roster, by page or by API: they could, while every write
 * was refused. The console's part (log-in, role, CSRF) is stood in for by a handler that puts a
 * {@link SectionContext} with the test's user on each request, as the console does.
 */
class DutySectionOtherUnitTest {

    @TempDir
    Path dir;
    DutyStore store;
    Server server;
    String base;
    String reportId;
    final HttpClient http = HttpClient.newHttpClient();

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
        DutySection section = new DutySection(desk, Clock.systemUTC());
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String unit = request.getHeaders().get("X-Test-Unit");
                request.setAttribute(SectionContext.ATTRIBUTE, new TestContext(new ConsoleUser("duty-li", Set.of(Role.DUTY_OFFICER), unit)));
                if (!section.handler().handle(request, response, callback)) {
                    response.setStatus(404);
                    callback.succeeded();
                }
                return true;
            }
        });
        server.start();
        base = "http://127.0.0.1:" + c.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        store.close();
    }

    HttpResponse<String> get(String path, String unit) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Unit", unit).build(),
                HttpResponse.BodyHandlers.ofString());
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

    /** What the console gives a section: the user, a page frame that is just the body. */
    record TestContext(ConsoleUser user) implements SectionContext {
        @Override public boolean apiToken() { return false; }
        @Override public String csrfToken() { return "test-csrf"; }
        @Override public Content csrfField() { return out -> out.writeContent("<input type=\"hidden\" name=\"_csrf\" value=\"test-csrf\">"); }

        @Override
        public void render(Response response, Callback callback, String title, Content body) {
            StringOutput out = new StringOutput();
            body.writeTo(new OwaspHtmlTemplateOutput(out));
            response.getHeaders().put("Content-Type", "text/html; charset=utf-8");
            response.write(true, ByteBuffer.wrap(("<html><h1>" + title + "</h1>" + out + "</html>").getBytes(StandardCharsets.UTF_8)), callback);
        }

        @Override
        public void audit(String action, String target, String outcome) {
        }
    }
}
