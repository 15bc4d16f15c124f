package cn.egov.manager.store;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import cn.egov.manager.support.StoreKind;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.telemetry.Alarm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alarms from hot paths: coalesced per key, once per interval, bounded; stored in a real store (SQLite and PostgreSQL). */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ThrottledAlarmsTest {

    @Parameter
    StoreKind kind;


    @TempDir
    Path dir;

    private static Alarm alarm(String client) {
        return new Alarm("broker.connection-refused", Alarm.Severity.MAJOR, "broker", "refused " + client, Map.of("client_id", client), 1);
    }

    @Test
    void oneAlarmPerKeyAndIntervalWithTheAttemptsCounted() throws Exception {
        AlarmStore store = new AlarmStore(kind.open(dir));
        ThrottledAlarms t = new ThrottledAlarms(store, 60_000, 10);
        for (int i = 0; i < 5; i++) {
            t.note("refused/999999-001", alarm("999999-001"));
        }
        t.note("refused/130602-099", alarm("130602-099"));
        List<Alarm> first = t.flush(1_000);
        assertEquals(2, first.size());
        assertEquals("5", first.get(0).evidence().get("attempts"));
        t.note("refused/999999-001", alarm("999999-001"));
        assertEquals(0, t.flush(30_000).size(), "within the interval: counted, not alarmed");
        assertEquals(1, t.suppressed());
        t.note("refused/999999-001", alarm("999999-001"));
        assertEquals(1, t.flush(61_000).size(), "after the interval: again");
        assertEquals(3, store.latest(AlarmStore.MANAGER_CLIENT_ID, 10).size(), "stored as the manager's alarms");
    }

    @Test
    void aFloodOfNewKeysIsBoundedAndTheOverflowIsAlarmed() throws Exception {
        AlarmStore store = new AlarmStore(kind.open(dir));
        ThrottledAlarms t = new ThrottledAlarms(store, 60_000, 10);
        for (int i = 0; i < 1000; i++) {
            t.note("refused/" + i, alarm("client-" + i));
        }
        assertEquals(10, t.pending());
        assertEquals(990, t.dropped());
        List<Alarm> raised = t.flush(1_000);
        assertEquals(11, raised.size(), "the ten that fit and one about the rest");
        assertEquals(ThrottledAlarms.DROPPED_KIND, raised.get(10).kind());
        assertEquals("990", raised.get(10).evidence().get("dropped"));
        assertEquals(0, t.flush(2_000).size(), "the overflow is reported once");
    }
}
