package cn.egov.console.auth;

import cn.egov.console.api.ConsoleUser;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side sessions: random ids (the cookie carries nothing else), an idle expiry and an
 * absolute one, and a bound on how many exist at once (the oldest unused is dropped first, and
 * counted). In memory: a console restart logs everybody out, which is acceptable for a console.
 */
public final class Sessions {
    private static final int ID_BYTES = 32;

    /**
     * @param idle     a session unused this long is gone
     * @param absolute a session this old is gone, used or not
     * @param max      the most sessions at once
     */
    public record Settings(Duration idle, Duration absolute, int max) {
    }

    /** @param active sessions now; @param max the bound; @param evicted dropped by the bound since start */
    public record Stats(int active, int max, long evicted) {
    }

    private final Settings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Access order: the first entry is the one unused the longest. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong evicted = new AtomicLong();

    public Sessions(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public synchronized Session create(ConsoleUser user, String source) {
        expire();
        while (sessions.size() >= settings.max()) {
            sessions.remove(sessions.keySet().iterator().next());
            evicted.incrementAndGet();
        }
        Instant now = clock.instant();
        Session s = new Session(randomToken(), user, randomToken(), now, now, source);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this id, its idle clock restarted; empty when unknown or expired. */
    public synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = s.touched(now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public synchronized void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Ends every session of a user (account removed, password or roles changed). */
    public synchronized void removeUser(String name) {
        sessions.values().removeIf(s -> s.user().name().equals(name));
    }

    public synchronized Stats stats() {
        expire();
        return new Stats(sessions.size(), settings.max(), evicted.get());
    }

    public Settings settings() {
        return settings;
    }

    private void expire() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastSeen().plus(settings.idle())) || !now.isBefore(s.created().plus(settings.absolute()));
    }

    String randomToken() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Compares tokens in constant time. */
    public static boolean sameToken(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII));
    }

}
