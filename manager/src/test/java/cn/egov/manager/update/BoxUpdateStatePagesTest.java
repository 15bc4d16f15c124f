package cn.egov.manager.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the NOC sees each box's box-update state on {@code /fleet} and on the unit page: the
 * newest push to the box (by request time, also when the stored times' fractions differ in length),
 * the update's version, the state in Chinese and English, and the box's own line escaped.
 */
class BoxUpdateStatePagesTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private static HttpResponse<String> get(HttpClient http, ManagerAssembly m, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(("noc:" + ManagerFixture.NOC_TOKEN).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void update(Connection c, long serial, String version) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO box_updates (serial, version, scope, issued_at, sha256, size)"
                + " VALUES (?, ?, '130602', '2026-12-01T00:00:00Z', 'ab', 1)")) {
            ps.setLong(1, serial);
            ps.setString(2, version);
            ps.executeUpdate();
        }
    }

    private static void push(Connection c, String id, long serial, String unit, String state, String message, String at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO box_update_pushes (request_id, serial, unit, state, message,"
                + " requested_by, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, 'noc', ?, ?)")) {
            ps.setString(1, id);
            ps.setLong(2, serial);
            ps.setString(3, unit);
            ps.setString(4, state);
            ps.setString(5, message);
            ps.setString(6, at);
            ps.setString(7, at);
            ps.executeUpdate();
        }
    }

    @Test
    void fleetAndUnitPageShowTheNewestPushEscaped() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir);
             SimulatedBox a = SimulatedBox.lab(m, "130602-001").connect();
             SimulatedBox b = SimulatedBox.lab(m, "130602-002").connect()) {
            a.birth(60);
            b.birth(60);
            a.flush();
            b.flush();
            Poll.until("two boxes", 30_000, () -> m.fleet().list().size() == 2);
            try (Connection c = m.database().connect()) {
                update(c, 6, "1.4.2");
                update(c, 7, "1.5.0");
                // the older push's time has no fraction: as text it sorts after the newer one's
                push(c, "r6", 6, "130602-001", "DONE", "installed", "2026-12-05T03:00:00Z");
                push(c, "r7", 7, "130602-001", "ROLLED_BACK", "self-test failed <script>alert(1)</script>", "2026-12-05T03:00:00.500Z");
            }

            HttpResponse<String> fleet = get(http, m, "/fleet");
            assertEquals(200, fleet.statusCode());
            String rowA = row(fleet.body(), "130602-001");
            assertTrue(rowA.contains("1.5.0 · 已回滚 rolled back"), rowA);
            assertTrue(rowA.contains("class=\"update bad\""), rowA);
            // the line is the badge's tooltip: in an attribute the template escapes '<', '&' and quotes
            assertTrue(rowA.contains("title=\"self-test failed &lt;script>alert(1)&lt;/script>\""), "the box's line, escaped: " + rowA);
            assertFalse(fleet.body().contains("<script>alert(1)"), "box text never becomes markup");
            String rowB = row(fleet.body(), "130602-002");
            assertFalse(rowB.contains("1.4.2") || rowB.contains("1.5.0"), "a box never pushed to shows no update: " + rowB);

            HttpResponse<String> unit = get(http, m, "/noc/units/130602-001");
            assertEquals(200, unit.statusCode());
            assertTrue(unit.body().contains("盒子更新 box update"), unit.body());
            assertTrue(unit.body().contains("1.5.0 · 已回滚 rolled back"), unit.body());
            assertTrue(unit.body().contains("self-test failed &lt;script"), "the box's line, escaped");
            assertFalse(unit.body().contains("<script>alert(1)"));
            assertFalse(get(http, m, "/noc/units/130602-002").body().contains("盒子更新 box update"));

            try (Connection c = m.database().connect()) {
                push(c, "r8", 6, "130602-001", "DOWNLOADING", "", "2026-12-05T03:00:01Z"); // a newer push takes over
            }
            assertTrue(row(get(http, m, "/fleet").body(), "130602-001").contains("1.4.2 · 下载中 downloading"));
        }
    }

    /** The fleet table's row of one box. */
    private static String row(String html, String unit) {
        int from = html.indexOf("<tr id=\"box-" + unit + "\"");
        assertTrue(from >= 0, "no row for " + unit);
        return html.substring(from, html.indexOf("</tr>", from));
    }
}
