package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.support.HeldConnection;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web server holds at most {@code web.max-connections} open: one more client is not served until one closes, the
 * gauge and the counter show it, and the {@code http.connection-limit} alarm is raised.
 */
class WebConnectionLimitTest {

    private static final int LIMIT = 3;
    private static final long GENEROUS_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void oneConnectionOverTheLimitWaitsUntilOneClosesAndIsAlarmed() throws Exception {
        ManagerConfig fixture = ManagerFixture.config(dir.resolve("manager"));
        Map<ConfigKey, String> values = new EnumMap<>(fixture.values());
        values.put(ConfigKey.WEB_MAX_CONNECTIONS, Integer.toString(LIMIT));
        ManagerConfig config = new ManagerConfig("test", values, fixture.extensions());
        try (ManagerAssembly m = ManagerAssembly.start(config, ManagerAssembly.Options.defaults())) {
            URI base = URI.create(m.webUrl());
            List<HeldConnection> held = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    HeldConnection c = open(base);
                    held.add(c);
                    Poll.until("connection " + (i + 1) + " answered", GENEROUS_MS, c::answered);
                    assertTrue(c.statusLine().startsWith("HTTP/1.1 "), c.statusLine());
                }
                Poll.until("the open-connections gauge at the limit", GENEROUS_MS, () -> gauge(m, "web.connections.open"), v -> v == LIMIT);
                HeldConnection extra = open(base);
                held.add(extra);
                // the alarm is stored at the next periodic flush: by then a server that accepted the extra one had answered it
                Poll.until("the http.connection-limit alarm", GENEROUS_MS, () -> limitAlarms(m), a -> !a.isEmpty());
                Alarm alarm = limitAlarms(m).get(0);
                assertEquals(Alarm.Severity.MAJOR, alarm.severity());
                assertEquals(Integer.toString(LIMIT), alarm.evidence().get("max_connections"));
                assertTrue(gauge(m, "web.connections.limit-reached") >= 1, "the limit-reached counter moved");
                assertFalse(extra.answered(), "the connection over the limit was served: " + extra.statusLine());
                assertEquals(LIMIT, gauge(m, "web.connections.open"));

                held.get(0).close();
                Poll.until("the connection over the limit served once one closed", GENEROUS_MS, extra::answered);
                assertTrue(extra.statusLine().startsWith("HTTP/1.1 "), extra.statusLine());
            } finally {
                for (HeldConnection c : held) {
                    c.close();
                }
            }
        }
    }

    private static HeldConnection open(URI base) throws Exception {
        return new HeldConnection(new Socket(base.getHost(), base.getPort()), base.getAuthority(), "/");
    }

    private static long gauge(ManagerAssembly m, String name) {
        return ((Number) m.meters().snapshot().get(name)).longValue();
    }

    private static List<Alarm> limitAlarms(ManagerAssembly m) {
        try {
            return new AlarmStore(m.database()).latest(AlarmStore.MANAGER_CLIENT_ID, 200).stream().map(AlarmStore.StoredAlarm::alarm)
                    .filter(a -> a.kind().equals(ConnectionCap.CONNECTION_LIMIT_ALARM)).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
