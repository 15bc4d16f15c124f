package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hub's resend schedule: the interval after the first send, doubling, capped. */
class HubSettingsTest {

    @Test
    void resendWaitDoublesUpToTheMaximum() {
        HubSettings s = new HubSettings(1, Duration.ofDays(30), Duration.ofSeconds(60), Duration.ofSeconds(1800), 10, 10);
        long now = 1_000_000;
        assertEquals(now + 60_000, s.nextSend(now, 1));
        assertEquals(now + 120_000, s.nextSend(now, 2));
        assertEquals(now + 240_000, s.nextSend(now, 3));
        assertEquals(now + 960_000, s.nextSend(now, 5));
        assertEquals(now + 1_800_000, s.nextSend(now, 6));
        assertEquals(now + 1_800_000, s.nextSend(now, 1000), "no overflow after many sends");
    }

    @Test
    void aMaximumBelowTheIntervalMeansTheInterval() {
        HubSettings s = new HubSettings(1, Duration.ofDays(30), Duration.ofSeconds(60), Duration.ofSeconds(10), 10, 10);
        assertEquals(60_000, s.nextSend(0, 4));
    }
}
