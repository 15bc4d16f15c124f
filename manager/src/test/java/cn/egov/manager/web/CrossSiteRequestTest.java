package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page open in the NOC's browser must not be usable by another site to change anything: a
 * form post (text/plain, form-encoded) with the browser's cached Basic credentials, or any request
 * carrying a foreign Origin, is refused before it reaches the handler; the manager's own JSON
 * clients pass.
 */
class CrossSiteRequestTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void formPostsAndForeignOriginsAreRefusedJsonFromThisSitePasses() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir)) {
            String basic = "Basic " + Base64.getEncoder().encodeToString(("noc:" + ManagerFixture.NOC_TOKEN).getBytes(StandardCharsets.UTF_8));
            String plan = "{\"files\":{\"x.plan\":\"not a plan\"}}";

            HttpResponse<String> form = post(m, basic, "text/plain", null, plan);
            assertEquals(415, form.statusCode(), form.body());
            assertTrue(form.body().contains("Content-Type must be application/json"), form.body());
            assertEquals(415, post(m, basic, "application/x-www-form-urlencoded", null, "files=x").statusCode());
            assertEquals(415, post(m, basic, null, null, plan).statusCode());

            HttpResponse<String> foreign = post(m, basic, "application/json", "https://evil.example", plan);
            assertEquals(403, foreign.statusCode(), foreign.body());
            assertTrue(foreign.body().contains("cross-site request refused"), foreign.body());

            // this site's own origin, or none (the CLI), with JSON reaches the handler: the plan is bad, 4xx from it
            HttpResponse<String> own = post(m, basic, "application/json; charset=utf-8", m.webUrl(), plan);
            assertTrue(own.statusCode() == 400 || own.statusCode() == 422, own.statusCode() + " " + own.body());
            assertTrue(!own.body().contains("cross-site") && !own.body().contains("Content-Type must"), own.body());
            assertEquals(own.statusCode(), post(m, "Bearer " + ManagerFixture.NOC_TOKEN, "application/json", null, plan).statusCode());

            // reading stays as it was; no credentials is still 401 first
            assertEquals(401, post(m, null, "text/plain", "https://evil.example", plan).statusCode());
        }
    }

    private HttpResponse<String> post(ManagerAssembly m, String authorization, String contentType, String origin, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/plan"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
