package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions on a clock the test moves: random ids and tokens, idle and absolute expiry, the bound, log-out. */
class SessionsTest {

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = Instant.parse("2026-12-04T08:00:00Z");

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
            return now;
        }
    }

    private final Moving clock = new Moving();
    private final Sessions sessions = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), 3);

    @Test
    void idsAndTokensAreRandomAndUnguessable() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Session s = new Sessions(clock, Duration.ofMinutes(1), Duration.ofMinutes(1), 1).open("a", "h");
            assertEquals(43, s.id().length(), "256 bits, base64url");
            assertNotEquals(s.id(), s.csrf());
            assertTrue(seen.add(s.id()) && seen.add(s.csrf()));
        }
        assertTrue(sessions.find(Sessions.random()).isEmpty(), "a made-up id finds nothing");
        assertTrue(sessions.find("short").isEmpty());
        assertTrue(sessions.find(null).isEmpty());
    }

    @Test
    void aSessionEndsWhenIdleAndAtItsLongestLifeWhateverItsUse() {
        Session s = sessions.open("noc-wang", "hash");
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "used within the idle time");
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "idle time counts from the last use");
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        assertTrue(sessions.find(s.id()).isEmpty(), "30 minutes unused");

        Session busy = sessions.open("noc-wang", "hash");
        for (int i = 0; i < 8 * 4 - 1; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(15));
            assertTrue(sessions.find(busy.id()).isPresent(), "used every 15 minutes, at " + i);
        }
        clock.now = clock.now.plus(Duration.ofMinutes(15));
        assertTrue(sessions.find(busy.id()).isEmpty(), "8 hours after its log-in");
    }

    @Test
    void theBoundEndsTheSessionUnusedTheLongestAndLogOutEndsOne() {
        Session a = sessions.open("a", "h");
        Session b = sessions.open("b", "h");
        Session c = sessions.open("c", "h");
        sessions.find(a.id());
        Session d = sessions.open("d", "h");
        assertEquals(3, sessions.size());
        assertTrue(sessions.find(b.id()).isEmpty(), "b was unused the longest");
        assertTrue(sessions.find(a.id()).isPresent() && sessions.find(c.id()).isPresent() && sessions.find(d.id()).isPresent());
        sessions.close(a.id());
        assertTrue(sessions.find(a.id()).isEmpty());
        assertTrue(Sessions.sameToken(c.csrf(), c.csrf()) && !Sessions.sameToken(c.csrf(), d.csrf()) && !Sessions.sameToken(c.csrf(), null));
    }
}
