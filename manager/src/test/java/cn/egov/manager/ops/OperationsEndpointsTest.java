package cn.egov.manager.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.web.WebRoute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} is Prometheus text that Prometheus's own {@code promtool check metrics}
 * accepts, with every part's meters and the JVM's; {@code GET /api/openapi.json} is a valid
 * OpenAPI 3 document (swagger-parser) that documents every REST route the code serves, and no
 * path the code does not serve.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsEndpointsTest {

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        m = ManagerFixture.start(dir.resolve("manager"));
    }

    @AfterAll
    void stop() {
        m.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(m.webUrl() + path));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void metricsPassPromtool() throws Exception {
        assertEquals(401, get("/metrics", null).statusCode());
        assertEquals(403, get("/metrics", ManagerFixture.AUDITOR_TOKEN).statusCode());
        HttpResponse<String> r = get("/metrics", ManagerFixture.NOC_TOKEN);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        for (String series : List.of("ingest_queue_depth ", "ingest_received_total ", "ingest_malformed_total{reason=\"too-large\"}",
                "fleet_connected ", "plan_allocations ", "plan_version ", "audit_entries ", "ca_up ", "web_login_failures_total ",
                "jvm_memory_used_bytes{", "jvm_threads_live_threads ", "process_uptime_seconds ")) {
            assertTrue(text.contains(series), "/metrics has " + series);
        }
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, text);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "promtool check metrics: " + out);
        // lint findings would be printed; counters without _total, bad names, missing HELP
        assertEquals("", out.strip(), "promtool check metrics has nothing to say");
    }

    /** What the embedded broker set aside: the NOC looks and purges; an auditor does neither, and a purge is audited. */
    @Test
    void theSetAsideQueuesAreTheNocsToLookAtAndPurge() throws Exception {
        assertEquals(401, get("/api/broker/set-aside", null).statusCode());
        assertEquals(403, get("/api/broker/set-aside", ManagerFixture.AUDITOR_TOKEN).statusCode());
        HttpResponse<String> r = get("/api/broker/set-aside", ManagerFixture.NOC_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode queues = new ObjectMapper().readTree(r.body());
        for (String q : List.of("dead-letter", "expired")) {
            assertEquals(0, queues.path(q).path("held").asLong(-1), r.body());
            assertTrue(queues.path(q).path("messages").isArray(), r.body());
        }
        assertEquals(403, post("/api/broker/set-aside/dead-letter/purge", ManagerFixture.AUDITOR_TOKEN).statusCode());
        assertEquals(404, post("/api/broker/set-aside/backlog/purge", ManagerFixture.NOC_TOKEN).statusCode(), "only the two set-aside queues");
        assertEquals(405, get("/api/broker/set-aside/expired/purge", ManagerFixture.NOC_TOKEN).statusCode());
        HttpResponse<String> purged = post("/api/broker/set-aside/expired/purge", ManagerFixture.NOC_TOKEN);
        assertEquals(200, purged.statusCode(), purged.body());
        assertEquals(0, new ObjectMapper().readTree(purged.body()).path("purged").asInt(-1));
        assertTrue(new cn.egov.manager.audit.AuditLog(m.database()).newest(20).stream()
                .anyMatch(e -> e.action().equals("broker.purge") && e.target().equals("expired")), "the purge is in the audit log");
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theGrafanaDashboardShowsSeriesTheManagerServes() throws Exception {
        String text = get("/metrics", ManagerFixture.NOC_TOKEN).body();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("../image/grafana/manager-dashboard.json").toFile());
        List<String> unknown = new ArrayList<>();
        for (JsonNode target : dashboard.findValues("expr")) {
            var m = java.util.regex.Pattern.compile("\\b([a-z][a-z0-9_]*)\\s*(\\{|\\[|\\)|$)").matcher(target.asText().replaceAll("by \\([^)]*\\)", ""));
            while (m.find()) {
                String name = m.group(1);
                if (List.of("rate", "sum", "by").contains(name) || name.startsWith("policy_catchup") || name.startsWith("ca_revocations")
                        || name.startsWith("ca_crl")) {
                    continue; // functions; and series only a manager with the CA serves
                }
                if (!text.contains("\n" + name + " ") && !text.contains("\n" + name + "{")) {
                    unknown.add(name);
                }
            }
        }
        assertEquals(List.of(), unknown, "series of the dashboard that /metrics does not serve");
    }

    @Test
    void theOpenApiDocumentIsValid() throws Exception {
        HttpResponse<String> r = get("/api/openapi.json", ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, r.statusCode());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertNotNull(parsed.getOpenAPI(), "parsed: " + parsed.getMessages());
        assertEquals(List.of(), parsed.getMessages(), "the parser's findings");
        assertEquals("3.0.3", parsed.getOpenAPI().getOpenapi());
        // the check is real: a document with a broken reference is refused by the same parser
        String broken = r.body().replace("#/components/schemas/Box", "#/components/schemas/Nothing");
        assertTrue(!new OpenAPIV3Parser().readContents(broken, null, options).getMessages().isEmpty(), "a broken $ref is found");
        assertEquals(200, get("/api/docs", ManagerFixture.AUDITOR_TOKEN).statusCode());
        HttpResponse<String> ui = get("/assets/vendor/swagger-ui/swagger-ui-bundle.js", null);
        assertEquals(200, ui.statusCode(), "Swagger UI from its WebJar");
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedPathServed() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(get("/api/openapi.json", ManagerFixture.NOC_TOKEN).body());
        Set<String> documented = new TreeSet<>();
        doc.get("paths").fieldNames().forEachRemaining(documented::add);
        List<String> missing = new ArrayList<>();
        for (WebRoute route : m.routes().all()) {
            if (!route.path().startsWith("/api/") && !route.path().equals("/metrics")) {
                continue; // pages, assets, log-in: not the REST API
            }
            List<String> served = documented.stream().filter(p -> serves(route, p)).toList();
            if (served.isEmpty()) {
                missing.add(route.path() + " (in the code, not in the document)");
                continue;
            }
            boolean post = served.stream().anyMatch(p -> doc.get("paths").get(p).has("post"));
            if (route.writes() != null && !post) {
                missing.add(route.path() + " takes POST; the document has no post");
            }
            if (route.writes() == null && post) {
                missing.add(route.path() + " is read-only; the document has a post");
            }
        }
        for (String p : documented) {
            var found = m.routes().find(p.replaceAll("\\{[^}]+}", "x"));
            if (found.isEmpty() || !serves(found.get(), p)) {
                missing.add(p + " (in the document, no route serves it)");
            }
        }
        assertEquals(List.of(), missing);
    }

    /** True when the route serves a documented path ({@code /api/boxes/*} serves {@code /api/boxes/{clientId}}). */
    private static boolean serves(WebRoute route, String documentedPath) {
        if (!route.isPrefix()) {
            return route.path().equals(documentedPath);
        }
        String base = route.path().substring(0, route.path().length() - 2);
        return documentedPath.startsWith(base + "/{");
    }

    @SuppressWarnings("unused")
    private static <T> List<T> list(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
