package cn.egov.manager.account;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed logins per source address and per user name in a sliding window. Once either has
 * {@code maxFailures} failures inside the window, every attempt from that source or for that user
 * is refused until the oldest of them leaves the window — the right password too, or guessing would
 * merely slow down. A success clears the user's count (not the source's: one known password must
 * not reset a source that is guessing other users).
 *
 * <p>Bounded: at most {@link #MAX_KEYS} sources and users are tracked; beyond that the entry used
 * least recently is forgotten.
 */
public final class LoginThrottle {

    static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final int maxFailures;
    private final long windowMs;
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public LoginThrottle(Clock clock, int maxFailures, Duration window) {
        if (maxFailures < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a login throttle needs at least one failure and a positive window");
        }
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.windowMs = window.toMillis();
    }

    /** How long {@code source} or {@code user} must wait, or empty when it may try now. */
    public synchronized Optional<Duration> blocked(String source, String user) {
        long now = clock.millis();
        long wait = Math.max(waitMs(key("source", source), now), user == null ? 0 : waitMs(key("user", user), now));
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    /** Records a failed attempt; returns the larger of the two counts now in the window. */
    public synchronized int failed(String source, String user) {
        long now = clock.millis();
        int n = add(key("source", source), now);
        if (user != null) {
            n = Math.max(n, add(key("user", user), now));
        }
        return n;
    }

    public synchronized void succeeded(String user) {
        failures.remove(key("user", user));
    }

    public int maxFailures() {
        return maxFailures;
    }

    private static String key(String kind, String value) {
        return kind + ":" + value;
    }

    private int add(String key, long now) {
        Deque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(q, now);
        q.addLast(now);
        while (q.size() > maxFailures) {
            q.removeFirst();
        }
        return q.size();
    }

    private long waitMs(String key, long now) {
        Deque<Long> q = failures.get(key);
        if (q == null) {
            return 0;
        }
        expire(q, now);
        if (q.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        return q.size() >= maxFailures ? q.peekFirst() + windowMs - now : 0;
    }

    private void expire(Deque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() + windowMs <= now) {
            q.removeFirst();
        }
    }
}
