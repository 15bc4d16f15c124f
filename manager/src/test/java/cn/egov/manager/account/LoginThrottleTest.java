package cn.egov.manager.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The throttle with a clock the test moves: no waiting, no timing. */
class LoginThrottleTest {

    private static final class MovableClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock, 5, Duration.ofMinutes(1));

    @Test
    void fiveFailuresBlockUntilTheOldestLeavesTheWindow() {
        for (int i = 1; i <= 5; i++) {
            assertEquals(Optional.empty(), throttle.blocked("192.0.2.7", "alice"), "attempt " + i + " may try");
            assertEquals(i, throttle.failed("192.0.2.7", "alice"));
            clock.millis += 1000;
        }
        assertEquals(Optional.of(Duration.ofSeconds(55)), throttle.blocked("192.0.2.7", "alice"));
        clock.millis += 54_999;
        assertTrue(throttle.blocked("192.0.2.7", "alice").isPresent(), "still inside the window");
        clock.millis += 1;
        assertEquals(Optional.empty(), throttle.blocked("192.0.2.7", "alice"), "the first failure left the window");
    }

    @Test
    void perSourceAndPerUser() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.7", "user" + i); // one source guessing five users
        }
        assertTrue(throttle.blocked("192.0.2.7", "someone-else").isPresent(), "the source is blocked for every user");
        assertEquals(Optional.empty(), throttle.blocked("198.51.100.1", "user0"), "another source may still log in as user0");
        for (int i = 0; i < 5; i++) {
            throttle.failed("198.51.100." + (10 + i), "bob"); // five sources guessing one user
        }
        assertTrue(throttle.blocked("203.0.113.1", "bob").isPresent(), "the user is blocked from every source");
    }

    @Test
    void successClearsTheUserNotTheSource() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("192.0.2.7", "alice");
        }
        throttle.succeeded("alice");
        throttle.failed("192.0.2.8", "alice");
        assertEquals(Optional.empty(), throttle.blocked("192.0.2.8", "alice"), "alice's count restarted after her success");
        throttle.failed("192.0.2.7", "mallory");
        assertTrue(throttle.blocked("192.0.2.7", "carol").isPresent(), "the guessing source keeps its five failures");
    }
}
