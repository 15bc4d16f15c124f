package cn.egov.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.TestClock;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T08:00:00Z"));
    private final Sessions sessions = new Sessions(new Sessions.Settings(Duration.ofMinutes(15), Duration.ofHours(8), 3), clock);
    private final ConsoleUser tech = new ConsoleUser("tech", Set.of(Role.TECHNICIAN), "130602-001");

    @Test
    void randomIdsAndTokensFindTheSessionAndNothingElse() {
        Session a = sessions.create(tech, "10.0.0.1");
        Session b = sessions.create(tech, "10.0.0.1");
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrfToken(), a.id());
        assertTrue(a.id().length() >= 43, "256 random bits, base64url");
        assertEquals(tech, sessions.find(a.id()).orElseThrow().user());
        assertTrue(sessions.find("forged-" + a.id()).isEmpty());
        assertTrue(sessions.find(null).isEmpty());
    }

    @Test
    void idleExpiryRestartsWithUseAndTheAbsoluteExpiryDoesNot() {
        Session s = sessions.create(tech, "10.0.0.1");
        for (int i = 0; i < 40; i++) { // 40 x 14 min = 9 h 20 min of steady use
            clock.advance(Duration.ofMinutes(14));
            if (clock.instant().isBefore(s.created().plus(Duration.ofHours(8)))) {
                assertTrue(sessions.find(s.id()).isPresent(), "used within the idle time at " + clock.instant());
            } else {
                assertTrue(sessions.find(s.id()).isEmpty(), "past the absolute expiry at " + clock.instant());
                return;
            }
        }
        throw new AssertionError("the absolute expiry never came");
    }

    @Test
    void anUnusedSessionEndsAfterTheIdleTime() {
        Session s = sessions.create(tech, "10.0.0.1");
        clock.advance(Duration.ofMinutes(15));
        assertTrue(sessions.find(s.id()).isEmpty());
    }

    @Test
    void theBoundEndsTheSessionUnusedLongestAndCountsIt() {
        Session a = sessions.create(tech, "a");
        Session b = sessions.create(tech, "b");
        Session c = sessions.create(tech, "c");
        sessions.find(a.id()); // a used last: b is now unused longest
        Session d = sessions.create(tech, "d");
        assertTrue(sessions.find(b.id()).isEmpty());
        assertTrue(sessions.find(a.id()).isPresent() && sessions.find(c.id()).isPresent() && sessions.find(d.id()).isPresent());
        assertEquals(new Sessions.Stats(3, 3, 1), sessions.stats());
    }

    @Test
    void removingAUserEndsAllItsSessions() {
        Session a = sessions.create(tech, "a");
        Session other = sessions.create(new ConsoleUser("clerk", Set.of(Role.CLERK), "130602-001"), "b");
        sessions.removeUser("tech");
        assertFalse(sessions.find(a.id()).isPresent());
        assertTrue(sessions.find(other.id()).isPresent());
    }

    @Test
    void tokensCompareExactly() {
        assertTrue(Sessions.sameToken("abc", "abc"));
        assertFalse(Sessions.sameToken("abc", "abd"));
        assertFalse(Sessions.sameToken("abc", null));
        assertFalse(Sessions.sameToken("abc", "ab"));
    }
}
