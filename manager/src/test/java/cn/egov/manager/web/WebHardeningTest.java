package cn.egov.manager.web;

import cn.egov.lab.KeepAliveRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.support.ManagerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web server as an attacker probed it: bodies bounded whether declared or chunked, methods
 * limited to what a route does, errors in plain words, security headers on every answer, and Origin
 * compared with the manager's own public origin. (Logins: {@link LoginThrottleWebTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebHardeningTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dir;

    private ProvincialCa ca;
    private ManagerAssembly m;
    private URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void managerWithPlanAndSigning() throws Exception {
        char[] pass = "web hardening test".toCharArray();
        ca = ProvincialCa.create(dir.resolve("ca"), pass, CaSettings.defaults("http://127.0.0.1:1"));
        PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("ca").resolve(PolicySigningKey.FILE), pass);
        ManagerConfig fixture = ManagerFixture.config(dir.resolve("manager"));
        ManagerConfig config = new ManagerConfig("test", fixture.values(), Map.of("plan.dir", "../rules/plan"));
        m = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withPolicySigning(key));
        base = URI.create(m.webUrl());
    }

    @AfterAll
    void stop() throws Exception {
        m.close();
        ca.close();
    }

    private long gauge(String name) {
        return ((Number) m.meters().snapshot().get(name)).longValue();
    }

    private String post(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: Bearer " + ManagerFixture.NOC_TOKEN
                + "\r\nContent-Type: application/json";
    }

    @Test
    void chunkedBodiesAreRefusedAtTheBoundAndReadNoFurther() throws Exception {
        long planVersion = planVersion();
        record Case(String path, long bound, long total, String prefix) {
        }
        for (Case c : List.of(
                new Case("/api/plan", 16 * MIB, 70 * MIB, "{\"files\":{\"a.plan\":\""),
                new Case("/api/policy/bundles", 8 * MIB, 9 * MIB, "{\"scope\":\"county:130602\",\"files\":{\"a.policy\":\""))) {
            long readBefore = gauge("web.body.bytes-read");
            long refusedBefore = gauge("web.body.too-large");
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            RawHttp.Answer a = RawHttp.chunked(base, post(c.path()), c.prefix().getBytes(StandardCharsets.UTF_8), c.total());
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            long read = gauge("web.body.bytes-read") - readBefore;
            assertEquals(413, a.status(), c.path() + ": " + a.body());
            assertTrue(a.body().contains("larger than " + c.bound() + " bytes"), a.body());
            assertTrue(read <= c.bound(), c.path() + ": the handler was given " + read + " bytes, bound " + c.bound());
            assertEquals(refusedBefore + 1, gauge("web.body.too-large"));
            if (c.total() > 2 * c.bound()) {
                assertTrue(a.bytesWritten() < c.total(), "the server stopped taking the upload: " + a.bytesWritten() + " bytes written");
            }
            // generous: the bound once over (plus parsing), never the whole upload
            assertTrue(heapAfter - heapBefore < 2 * c.bound() + 32 * MIB, "heap grew " + (heapAfter - heapBefore) / MIB + " MiB");
            System.out.printf("%s: %d MiB sent chunked, %d MiB written before the server closed, %d MiB read, heap %+d MiB%n",
                    c.path(), c.total() / MIB, a.bytesWritten() / MIB, read / MIB, (heapAfter - heapBefore) / MIB);
        }
        assertEquals(planVersion, planVersion(), "the plan in force is unchanged");
    }

    private long planVersion() throws Exception {
        HttpResponse<String> r = get("/api/plan", "Bearer " + ManagerFixture.NOC_TOKEN);
        Matcher v = Pattern.compile("\"version\":(\\d+)").matcher(r.body());
        return v.find() ? Long.parseLong(v.group(1)) : 0;
    }

    @Test
    void aDeclaredLengthOverTheBoundIsRefusedUnread() throws Exception {
        long readBefore = gauge("web.body.bytes-read");
        RawHttp.Answer a = RawHttp.send(base, post("/api/policy/bundles") + "\r\nContent-Length: " + (9 * MIB));
        assertEquals(413, a.status(), a.body());
        assertEquals(readBefore, gauge("web.body.bytes-read"));
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, null);
    }

    /**
     * A refusal sent before the body arrived says the connection closes (Jetty closes it after an
     * unread body; a client told nothing sent its next request into the closing connection). A
     * refusal after the whole body keeps the connection.
     */
    @Test
    void aRefusalBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        String head = "POST /api/plan HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: Bearer " + ManagerFixture.AUDITOR_TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 2";
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            KeepAliveRequest.Answer early = KeepAliveRequest.send(s, head, "");
            assertEquals(403, early.status());
            assertEquals("close", early.header("Connection"));
        }
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            KeepAliveRequest.Answer whole = KeepAliveRequest.send(s, head, "{}");
            assertEquals(403, whole.status());
            assertEquals(null, whole.header("Connection"), "the whole body was read: the connection is kept");
        }
    }

    @Test
    void readOnlyRoutesAnswer405WithAllow() throws Exception {
        String noc = "Bearer " + ManagerFixture.NOC_TOKEN;
        HttpResponse<String> del = send("DELETE", "/api/boxes", noc, null);
        assertEquals(405, del.statusCode(), del.body());
        assertEquals("GET, HEAD", del.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("POST", "/fleet", noc, "{}").statusCode());
        assertEquals(405, send("PUT", "/api/boxes/130602-001", noc, "{}").statusCode());
        HttpResponse<String> put = send("PUT", "/api/plan", noc, "{}");
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD, POST", put.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("DELETE", "/api/health", null, null).statusCode());
    }

    @Test
    void malformedJsonIsAnsweredInPlainWords() throws Exception {
        String noc = "Bearer " + ManagerFixture.NOC_TOKEN;
        for (String body : List.of("{\"files\":", "[1,2]", "{\"files\":{\"a.plan\":" + "[".repeat(5000) + "]}}", "\"x\"")) {
            HttpResponse<String> r = send("POST", "/api/plan", noc, body);
            assertEquals(400, r.statusCode(), r.body());
            for (String internal : List.of("jackson", "fasterxml", "Exception", "StreamReadConstraints", "nesting", "Unexpected end-of-input")) {
                assertFalse(r.body().contains(internal), body + " → " + r.body());
            }
        }
        HttpResponse<String> policy = send("POST", "/api/policy/bundles", noc, "{\"scope\":\"county:130602\",\"files\":");
        assertEquals(400, policy.statusCode());
        assertFalse(policy.body().contains("fasterxml"), policy.body());
    }

    @Test
    void policyFindingsNameTheFilesNotTheServersPaths() throws Exception {
        String body = "{\"scope\":\"county:130602\",\"files\":{\"30-rules.policy\":\"flow stray\\n    from nowhere\\n\"}}";
        HttpResponse<String> r = send("POST", "/api/policy/bundles", "Bearer " + ManagerFixture.NOC_TOKEN, body);
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("30-rules.policy"), r.body());
        assertFalse(r.body().contains("/tmp") || r.body().contains("egov-policy-sign") || r.body().contains(System.getProperty("java.io.tmpdir")),
                r.body());
    }

    @Test
    void originIsComparedWithThePublicOriginNotWithTheRequestsHost() throws Exception {
        String plan = "{\"files\":{\"x.plan\":\"not a plan\"}}";
        String head = "POST /api/plan HTTP/1.1\r\nAuthorization: Bearer " + ManagerFixture.NOC_TOKEN + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + plan.length();
        // an attacker's page whose name resolves to the manager: Host and Origin agree, and are not the manager's
        RawHttp.Answer forged = sendWithBody(head + "\r\nHost: evil.example\r\nOrigin: http://evil.example", plan);
        assertEquals(403, forged.status(), forged.body());
        assertTrue(forged.body().contains("cross-site request refused"), forged.body());
        RawHttp.Answer own = sendWithBody(head + "\r\nHost: localhost:" + base.getPort() + "\r\nOrigin: http://localhost:" + base.getPort(), plan);
        assertEquals(422, own.status(), "the manager's own origin reaches the handler: " + own.body());
    }

    private RawHttp.Answer sendWithBody(String head, String body) throws Exception {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write((head + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.split(" ", 3)[1]);
            return new RawHttp.Answer(status, Map.of(), all.substring(all.indexOf("\r\n\r\n") + 4), 0);
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoServerName() throws Exception {
        String noc = "Bearer " + ManagerFixture.NOC_TOKEN;
        for (String[] c : new String[][]{{"/fleet", noc}, {"/plan", noc}, {"/policy", noc}, {"/api/boxes", noc},
                {"/api/boxes/130699-999", noc}, {"/api/metrics", noc}, {"/api/plan", noc}, {"/api/plan/whois?q=10.6.8.9", noc},
                {"/api/policy/units", noc}, {"/api/health", null}, {"/api/boxes", null}, {"/nowhere", noc}, {"/", noc}}) {
            HttpResponse<String> r = get(c[0], c[1]);
            var h = r.headers();
            String what = c[0] + " " + r.statusCode();
            assertEquals("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
                    h.firstValue("Content-Security-Policy").orElse(null), what);
            assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(null), what);
            assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(null), what);
            assertEquals("no-store", h.firstValue("Cache-Control").orElse(null), what);
            assertNull(h.firstValue("Server").orElse(null), what);
            assertFalse(r.body().contains("Jetty"), what);
        }
        HttpResponse<String> css = get(Assets.STYLESHEET_PATH, null);
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        assertNotNull(css.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    /** curl as an operator (or a scanner) runs it: no answer names the server, also those Jetty makes itself. */
    @Test
    void curlSeesNoServerVersionOnAnyAnswerIncluding400And414() throws Exception {
        String url = base.toString();
        String auth = "noc:" + ManagerFixture.NOC_TOKEN;
        record Probe(String what, int status, List<String> args) {
        }
        List<Probe> probes = List.of(
                new Probe("health", 200, List.of(url + "/api/health")),
                new Probe("page", 200, List.of("-u", auth, url + "/fleet")),
                new Probe("no credentials", 401, List.of(url + "/fleet")),
                new Probe("no such path", 404, List.of("-u", auth, url + "/nowhere")),
                new Probe("stylesheet", 200, List.of(url + Assets.STYLESHEET_PATH)),
                new Probe("no Host header (Jetty's parser)", 400, List.of("-H", "Host:", url + "/api/health")),
                new Probe("URI too long (Jetty's parser)", 414, List.of(url + "/" + "a".repeat(10_000))),
                new Probe("headers too large (Jetty's parser)", 431, List.of("-H", "X-Big: " + "b".repeat(9_000), url + "/api/health")));
        for (Probe p : probes) {
            for (boolean head : new boolean[]{true, false}) {
                List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", head ? "-I" : "-i", "--max-time", "20"));
                cmd.addAll(p.args());
                Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, proc.waitFor(), p.what() + ": curl failed: " + out);
                String what = p.what() + (head ? " (HEAD)" : " (GET)") + ":\n" + out;
                assertTrue(out.startsWith("HTTP/1.1 " + p.status()), what);
                assertFalse(out.lines().anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("server:")), what);
                assertFalse(out.contains("Jetty") || out.contains("jetty") || out.contains("12.1"), what);
                assertTrue(out.contains("X-Content-Type-Options: nosniff"), what);
                if (!head && p.status() >= 400) {
                    assertTrue(out.contains("Content-Type: application/json") && out.contains("{\"error\":\"" + p.status()) || p.status() < 414
                            && out.contains("{\"error\":"), what);
                }
            }
        }
    }
}
