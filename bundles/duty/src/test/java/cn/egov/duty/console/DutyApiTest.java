package cn.egov.duty.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.json.JsonValues;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutySettings;
import cn.egov.duty.store.DutyStore;
import cn.egov.lab.KeepAliveRequest;
import cn.egov.rules.unit.UnitCode;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's JSON API for duty officers' clients, over HTTP through the section on
 * {@link DutyServer} (the console's log-in and CSRF are tested with the console): every bad input is a 400 naming the field, a body
 * past the bound is a 413, an account of another unit is a 403, and none of them stores anything
 * or queues anything for the manager.
 */
class DutyApiTest {

    private static final String UNIT = "130602-001";
    private static final String OFFICER = "DUTY_OFFICER";

    @TempDir
    Path dir;
    DutyServer server;
    DutyStore store;
    final List<String> queued = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        store = new DutyStore(dir.resolve("duty.db"));
        TelemetryPublisher telemetry = (app, resource, payload, priority) -> queued.add(app + "/" + resource);
        DutyDesk desk = new DutyDesk(UnitCode.parse(UNIT), store, new DutySettings(dir.resolve("duty.db"), DeadlineRules.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(15), Set.of(), 31), telemetry, Clock.systemUTC());
        server = new DutyServer(new DutySection(desk, Clock.systemUTC()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    /** A duty officer's JSON POST; the account's unit (the box's when null) decides what it may report for. */
    HttpResponse<String> post(String path, String body, String unit) throws Exception {
        return server.post(path, unit == null ? UNIT : unit, OFFICER, "application/json", body);
    }

    Map<?, ?> json(HttpResponse<String> r) {
        return (Map<?, ?>) JsonValues.parse(r.body());
    }

    void refused(int status, String field, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        if (field != null) {
            assertEquals(field, json(r).get("field"), r.body());
        }
    }

    /**
     * Jetty closes a connection whose request body was not read: an error written before the body
     * arrived says so, or a keep-alive client sends its next report into the closing connection
     * (and a POST is not retried); after the whole body the connection is kept.
     */
    @Test
    void anErrorBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        URI u = server.base();
        String head = "POST /duty/api/nowhere HTTP/1.1\r\nHost: x\r\nX-Test-Unit: " + UNIT + "\r\nContent-Type: application/json\r\nContent-Length: 2";
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            KeepAliveRequest.Answer early = KeepAliveRequest.send(s, head, "");
            assertEquals(404, early.status());
            assertEquals("close", early.header("connection"));
        }
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            KeepAliveRequest.Answer whole = KeepAliveRequest.send(s, head, "{}");
            assertEquals(404, whole.status());
            assertEquals(null, whole.header("connection"), "the whole body was read: the connection is kept");
        }
    }

    @Test
    void reportsThroughTheApiAndEveryBadInputIsRefusedWithNothingStored() throws Exception {
        String occurred = Instant.now().minusSeconds(600).toString();
        HttpResponse<String> event = post("/duty/api/events", "{\"title\":\"山体滑坡\",\"level\":\"较大\",\"category\":\"NATURAL\",\"occurredAt\":\""
                + occurred + "\"}", null);
        assertEquals(201, event.statusCode(), event.body());
        long key = (Long) ((Map<?, ?>) json(event).get("event")).get("key");
        HttpResponse<String> other = post("/duty/api/events", "{\"title\":\"道路塌陷\",\"level\":\"general\",\"category\":\"ACCIDENT\",\"occurredAt\":\""
                + occurred + "\"}", null);
        long otherKey = (Long) ((Map<?, ?>) json(other).get("event")).get("key");
        String reports = "/duty/api/events/" + key + "/reports";
        HttpResponse<String> first = post(reports, "{\"kind\":\"初报\",\"level\":\"LARGE\",\"description\":\"山体滑坡阻断道路\",\"reporter\":\"张三\"}", null);
        assertEquals(201, first.statusCode(), first.body());
        String id = (String) ((Map<?, ?>) json(first).get("report")).get("id");
        assertEquals(31, id.length());
        assertEquals(List.of(DutyTopics.APP + "/" + DutyTopics.REPORT), queued);
        String before = server.get("/duty/api/events", UNIT).body();

        refused(400, "level", post(reports, "{\"kind\":\"续报\",\"reporter\":\"张三\"}", null));
        refused(400, "incident", post("/duty/api/events/" + otherKey + "/reports", "{\"kind\":\"续报\",\"level\":\"GENERAL\",\"reporter\":\"张三\"}", null));
        HttpResponse<String> skipped = post(reports, "{\"kind\":\"续报\",\"number\":4,\"level\":\"LARGE\",\"reporter\":\"张三\"}", null);
        refused(400, "number", skipped);
        assertEquals("续报 4 of event " + key + " is out of sequence: the next number is 1", json(skipped).get("error"));
        HttpResponse<String> forged = post(reports, "{\"kind\":\"续报\",\"level\":\"LARGE\",\"reporter\":\"张三\"}", "130603-001");
        refused(403, null, forged);
        assertTrue(forged.body().contains("belongs to unit 130603-001"), forged.body());
        refused(400, "description", post(reports, "{\"kind\":\"续报\",\"level\":\"LARGE\",\"reporter\":\"张三\",\"description\":\""
                + "长".repeat(4001) + "\"}", null));
        refused(400, "title", post("/duty/api/events", "{\"title\":\"" + "x".repeat(101) + "\",\"level\":\"MAJOR\",\"category\":\"NATURAL\","
                + "\"occurredAt\":\"" + occurred + "\"}", null));
        refused(400, "level", post("/duty/api/events", "{\"title\":\"x\",\"category\":\"NATURAL\",\"occurredAt\":\"" + occurred + "\"}", null));
        refused(400, "occurredAt", post("/duty/api/events", "{\"title\":\"x\",\"level\":\"MAJOR\",\"category\":\"NATURAL\",\"occurredAt\":\"yesterday\"}", null));
        refused(400, "body", post(reports, "{\"kind\":", null));
        refused(400, "deaths", post(reports, "{\"kind\":\"续报\",\"level\":\"LARGE\",\"reporter\":\"张三\",\"deaths\":-1}", null));
        refused(413, null, post(reports, "{\"description\":\"" + "x".repeat(DutyApi.MAX_BODY) + "\"}", null));
        // 2^32 + 1 would be 1, the next number, if it were cut to an int
        refused(400, "number", post(reports, "{\"kind\":\"续报\",\"number\":4294967297,\"level\":\"LARGE\",\"reporter\":\"张三\"}", null));
        refused(400, "number", post(reports, "{\"kind\":\"续报\",\"number\":\"1\",\"level\":\"LARGE\",\"reporter\":\"张三\"}", null));
        refused(400, "body", post(reports, "[1]", null));
        refused(400, "title", post("/duty/api/events", "{\"title\":\"x\\u001b[31m\",\"level\":\"MAJOR\",\"category\":\"NATURAL\","
                + "\"occurredAt\":\"" + occurred + "\"}", null));

        String after = server.get("/duty/api/events", UNIT).body();
        assertEquals(before, after, "nothing stored changed");
        assertEquals(1, queued.size(), "nothing more was queued for the manager");
        // and the next good one goes through as 续报 1
        HttpResponse<String> one = post(reports, "{\"kind\":\"follow_up\",\"number\":1,\"level\":\"MAJOR\",\"reporter\":\"张三\"}", null);
        assertEquals(201, one.statusCode(), one.body());
        assertEquals("续报 1", ((Map<?, ?>) json(one).get("report")).get("label"));
    }

}
