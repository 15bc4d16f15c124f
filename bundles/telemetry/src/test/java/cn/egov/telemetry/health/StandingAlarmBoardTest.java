package cn.egov.telemetry.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.launcher.StandingAlarms.Standing;
import cn.egov.api.telemetry.Alarm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandingAlarmBoardTest {

    private static Alarm alarm(String kind, Alarm.Severity s, String message, long time) {
        return new Alarm(kind, s, "test", message, Map.of(), time);
    }

    @Test
    void aConditionStandsUntilClearedAndTheLatestRaiseOfAKindWins() {
        StandingAlarmBoard board = new StandingAlarmBoard();
        board.record(alarm("vpn.down", Alarm.Severity.MAJOR, "down", 2));
        board.record(alarm("pki.not-enrolled", Alarm.Severity.WARNING, "not enrolled", 1));
        assertEquals(List.of("pki.not-enrolled", "vpn.down"), board.standing().stream().map(Standing::kind).toList(), "oldest first");
        assertTrue(board.standing().stream().anyMatch(Standing::blocksHealth));

        board.record(alarm("vpn.down", Alarm.Severity.MINOR, "flapping", 3));
        assertEquals("flapping", board.standing().get(1).message());
        assertFalse(board.standing().stream().anyMatch(Standing::blocksHealth), "WARNING and MINOR do not make the box unhealthy");

        board.record(alarm("vpn.down", Alarm.Severity.CLEARED, "up", 4));
        board.record(alarm("never.raised", Alarm.Severity.CLEARED, "nothing", 5));
        assertEquals(List.of("pki.not-enrolled"), board.standing().stream().map(Standing::kind).toList());
    }
}
