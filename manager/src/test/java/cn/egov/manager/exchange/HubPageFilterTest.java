package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's page {@code /exchange} with a mistyped {@code ?days=}: the page again, 400, with one line naming the
 * parameter and the value as typed (escaped), never a silent other period; the REST summary refuses it as JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubPageFilterTest {

    @TempDir
    static Path dir;
    private ManagerAssembly manager;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        manager = ManagerFixture.start(dir.resolve("manager"));
    }

    @AfterAll
    void stop() {
        if (manager != null) {
            manager.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + path)).header("Authorization", TestAccounts.basic("noc", ManagerFixture.NOC_TOKEN)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aMistypedPeriodGivesThePageBackWith400AndTheReasonNotOneDaySilently() throws Exception {
        HttpResponse<String> r = get("/exchange?days=abc");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), r.headers().toString());
        assertTrue(r.body().contains("id=\"filter-problem\"") && r.body().contains("days must be a whole number from 1 to 366, got 'abc'"),
                r.body());
        assertTrue(r.body().contains("id=\"no-volumes\"") && r.body().contains("in the last 7 days"), "the page for the default period: " + r.body());

        HttpResponse<String> tag = get("/exchange?days=" + URLEncoder.encode("<i>7", StandardCharsets.UTF_8));
        assertEquals(400, tag.statusCode());
        assertTrue(tag.body().contains("got '&lt;i&gt;7'") && !tag.body().contains("<i>7"), "escaped: " + tag.body());
        assertEquals(400, get("/exchange?days=0").statusCode());
        assertEquals(400, get("/api/exchange/summary?days=abc").statusCode());
    }

    @Test
    void aValidOrAbsentPeriodIsShownWithoutAProblem() throws Exception {
        HttpResponse<String> thirty = get("/exchange?days=30");
        assertEquals(200, thirty.statusCode(), thirty.body());
        assertTrue(thirty.body().contains("last 30 days") && !thirty.body().contains("filter-problem"), thirty.body());
        HttpResponse<String> absent = get("/exchange");
        assertEquals(200, absent.statusCode(), absent.body());
        assertTrue(absent.body().contains("last 7 days"), absent.body());
        // a hub no document passed through yet says so instead of showing empty tables
        assertTrue(absent.body().contains("No document passed through the hub in the last 7 days.") && !absent.body().contains("id=\"volumes\""),
                absent.body());
        assertTrue(absent.body().contains("No document is waiting or undeliverable.") && !absent.body().contains("id=\"waiting\""),
                absent.body());
    }
}
