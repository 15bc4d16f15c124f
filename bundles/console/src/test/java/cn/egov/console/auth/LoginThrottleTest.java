package cn.egov.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T08:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(5, Duration.ofMinutes(1), 100), clock);

    @Test
    void fiveFailuresFromOneSourceBlockItUntilTheWindowPasses() {
        for (int i = 0; i < 5; i++) {
            assertTrue(throttle.blocked("10.0.0.9", "n" + i).isEmpty(), "attempt " + i);
            throttle.failed("10.0.0.9", "n" + i);
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(Duration.ofSeconds(35), throttle.blocked("10.0.0.9", "anyone").orElseThrow());
        assertTrue(throttle.blocked("10.0.0.8", "anyone").isEmpty(), "another source is not blocked");
        clock.advance(Duration.ofSeconds(35));
        assertTrue(throttle.blocked("10.0.0.9", "anyone").isEmpty(), "the oldest failure left the window");
    }

    @Test
    void fiveFailuresForOneNameBlockThatNameFromEverySource() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0." + i, "tech");
        }
        assertTrue(throttle.blocked("10.9.9.9", "tech").isPresent());
        assertTrue(throttle.blocked("10.9.9.9", "clerk").isEmpty());
        assertTrue(throttle.blocked("10.9.9.9", null).isEmpty(), "API tokens count per source only");
        assertEquals(1, throttle.stats().refused(), "refusals counted");
    }

    @Test
    void successClearsTheNameButNotTheSource() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1", "tech");
        }
        throttle.succeeded("tech");
        throttle.failed("10.0.0.1", "tech");
        assertTrue(throttle.blocked("10.0.0.2", "tech").isEmpty(), "name failures restarted after the success");
        assertTrue(throttle.blocked("10.0.0.1", "other").isPresent(), "the source still made five failures");
    }

    @Test
    void theTablesAreBoundedAndCountWhatTheyDrop() {
        LoginThrottle small = new LoginThrottle(new LoginThrottle.Settings(5, Duration.ofMinutes(1), 3), clock);
        for (int i = 0; i < 10; i++) {
            small.failed("10.0.0." + i, null);
        }
        assertEquals(3, small.stats().sources());
        assertEquals(7, small.stats().dropped());
    }
}
