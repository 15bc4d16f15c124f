package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));
        assertEquals(Duration.ofSeconds(2), b.delay(1));
        assertEquals(Duration.ofSeconds(4), b.delay(2));
        assertEquals(Duration.ofSeconds(32), b.delay(5));
        assertEquals(Duration.ofSeconds(60), b.delay(6));
        assertEquals(Duration.ofSeconds(60), b.delay(1000));
    }

    @Test
    void refusesNonsense() {
        assertEquals("backoff initial delay must be positive, got 0 s",
                assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).getMessage());
        assertEquals("backoff longest delay (1 s) must not be below the initial delay (1500 ms)",
                assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(1500), Duration.ofSeconds(1))).getMessage());
    }
}
