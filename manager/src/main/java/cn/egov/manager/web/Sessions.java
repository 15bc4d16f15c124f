package cn.egov.manager.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The browsers' sessions, in memory (a restart logs everybody out). A session ends when unused for
 * {@code idle}, {@code maxAge} after log-in whatever its use, at log-out, and when the account is
 * removed or its password changed (checked at every request by the dispatcher). At most
 * {@code maxSessions} live at once: beyond, the one unused the longest ends.
 */
public final class Sessions {

    /** Session cookie over HTTPS: the {@code __Host-} prefix binds it to this origin, Secure, path /. */
    public static final String SECURE_COOKIE = "__Host-egov-manager";
    /** Session cookie over plain HTTP (loopback only): browsers refuse {@code __Host-} without Secure. */
    public static final String PLAIN_COOKIE = "egov-manager";
    /**
     * The log-in form's double-submit cookie over HTTPS (its token is also a hidden field of the form):
     * {@code __Host-}, so that no other host of the domain can set it and, knowing its value, log a
     * browser in to an account of its choosing.
     */
    public static final String SECURE_LOGIN_COOKIE = "__Host-egov-manager-login";
    /** The log-in form's double-submit cookie over plain HTTP (loopback only). */
    public static final String PLAIN_LOGIN_COOKIE = "egov-manager-login";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final long idleMs;
    private final long maxAgeMs;
    private final int maxSessions;
    private final Map<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        final Session session;
        long lastUsed;

        Entry(Session session, long now) {
            this.session = session;
            this.lastUsed = now;
        }
    }

    public Sessions(Clock clock, Duration idle, Duration maxAge, int maxSessions) {
        if (idle.isNegative() || idle.isZero() || maxAge.compareTo(idle) < 0 || maxSessions < 1) {
            throw new IllegalArgumentException("sessions need a positive idle time, a longest life at least as long, and room for one");
        }
        this.clock = clock;
        this.idleMs = idle.toMillis();
        this.maxAgeMs = maxAge.toMillis();
        this.maxSessions = maxSessions;
    }

    /** Opens a session for an account that just logged in. */
    public synchronized Session open(String account, String passwordHash) {
        long now = clock.millis();
        Session s = new Session(random(), random(), account, passwordHash, now);
        sessions.put(s.id(), new Entry(s, now));
        while (sessions.size() > maxSessions) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        return s;
    }

    /** The live session with this id (and marks it used), or empty: unknown, forged, idle too long or too old. */
    public synchronized Optional<Session> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Entry e = sessions.get(id);
        long now = clock.millis();
        if (e == null) {
            return Optional.empty();
        }
        if (now - e.lastUsed >= idleMs || now - e.session.created() >= maxAgeMs) {
            sessions.remove(id);
            return Optional.empty();
        }
        e.lastUsed = now;
        return Optional.of(e.session);
    }

    public synchronized void close(String id) {
        sessions.remove(id);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** Seconds a new session's cookie lives: its longest life. */
    public long maxAgeSeconds() {
        return maxAgeMs / 1000;
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** True when {@code text} has the form of {@link #random()}: a cookie value that may be taken as a token. */
    static boolean isToken(String text) {
        return text.length() == 43 && text.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '_');
    }

    /** Constant-time comparison of two tokens; false when either is missing. */
    public static boolean sameToken(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
