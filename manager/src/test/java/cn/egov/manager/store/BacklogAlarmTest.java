package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded queue's alarm: raised above its share of the bound, cleared under half of it; with
 * share 0 (the broker's dead-letter and expired queues) raised by any message, cleared when none is left.
 */
class BacklogAlarmTest {

    private static final long BOUND = 1_000;

    @TempDir
    Path dir;

    @Test
    void aShareOfTheBoundRaisesAndHalfOfItClears() throws Exception {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("m.db"))) {
            AlarmStore alarms = new AlarmStore(db);
            AtomicLong fill = new AtomicLong(800);
            BacklogAlarm a = new BacklogAlarm("q.backlog", "the queue", fill::get, BOUND, 0.8, alarms);
            a.check();
            assertFalse(a.isRaised(), "at the threshold, not above it");
            fill.set(801);
            a.check();
            assertTrue(a.isRaised());
            fill.set(400);
            a.check();
            assertTrue(a.isRaised(), "not yet under half of the threshold");
            fill.set(399);
            a.check();
            assertFalse(a.isRaised());
            assertEquals(List.of(Alarm.Severity.CLEARED, Alarm.Severity.MAJOR).stream().sorted().toList(), severities(alarms));
        }
    }

    @Test
    void shareZeroRaisesOnAnyMessageAndClearsWhenNoneIsLeft() throws Exception {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("m.db"))) {
            AlarmStore alarms = new AlarmStore(db);
            AtomicLong fill = new AtomicLong(0);
            BacklogAlarm a = new BacklogAlarm("broker.dead-letter", "the dead-letter queue", fill::get, BOUND, 0, alarms);
            a.check();
            assertFalse(a.isRaised(), "nothing there");
            fill.set(1);
            a.check();
            assertTrue(a.isRaised(), "one message set aside");
            fill.set(0);
            a.check();
            assertFalse(a.isRaised(), "cleared once none is left");
            assertEquals(List.of(Alarm.Severity.CLEARED, Alarm.Severity.MAJOR).stream().sorted().toList(), severities(alarms));
        }
    }

    /** The severities of the manager's alarms, sorted (a raise and its clear may share a millisecond). */
    private static List<Alarm.Severity> severities(AlarmStore alarms) throws Exception {
        return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 10).stream().map(s -> s.alarm().severity()).sorted().toList();
    }
}
