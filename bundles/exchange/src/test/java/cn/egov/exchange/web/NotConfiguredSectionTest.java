package cn.egov.exchange.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionServer;
import cn.egov.console.api.StandInSectionContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A fresh box's 公文交换: the clerk who opens it is told it is off and whom to ask, not shown a 404. */
class NotConfiguredSectionTest {

    @Test
    void theClerkIsToldToAskTheTechnicianToSaveTheForm() throws Exception {
        try (SectionServer server = new SectionServer(new NotConfiguredSection("cn.egov.exchange"),
                request -> new StandInSectionContext(new ConsoleUser("li.wei", Set.of(Role.CLERK), "130602-001")))) {
            HttpClient http = HttpClient.newHttpClient();
            for (String page : new String[] {"/exchange/", "/exchange/send", "/exchange/outbox"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri(page)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, r.statusCode(), page);
                assertTrue(r.body().contains("本机的公文交换尚未配置，服务未启用。请联系技术员：在 配置 页面打开“公文交换”表单并保存"), r.body());
                assertTrue(r.body().contains("Ask the technician to open the\n 公文交换 Document exchange form on the 配置 Configuration page"
                        + " and save it (it writes <code>cn.egov.exchange.cfg</code>)"), r.body());
            }
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(server.uri("/exchange/api/inbox")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, api.statusCode());
            assertEquals("{\"error\":\"the document exchange is not configured on this box: ask the technician to save its form "
                    + "(cn.egov.exchange.cfg)\"}", api.body());
        }
    }
}
