package cn.egov.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slows down password guessing: after {@link Settings#failures()} failed log-ins within
 * {@link Settings#window()} from one source address, or for one account name, further attempts
 * from that source or for that name are refused until the window has passed (HTTP 429 with
 * Retry-After), even with the right password, so that the window cannot be used to test guesses.
 * Both tables are bounded; what the bound drops is counted.
 */
public final class LoginThrottle {

    /**
     * @param failures failures allowed within the window
     * @param window   how far back failures count
     * @param maxKeys  most sources and most names tracked (each)
     */
    public record Settings(int failures, Duration window, int maxKeys) {
    }

    /** @param sources tracked; @param names tracked; @param refused attempts refused; @param dropped entries the bound dropped */
    public record Stats(int sources, int names, long refused, long dropped) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Table bySource;
    private final Table byName;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public LoginThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.bySource = new Table();
        this.byName = new Table();
    }

    /**
     * How long the caller must wait before trying again; empty when the attempt may go ahead.
     *
     * @param name the account name tried, or null when there is none (an API token)
     */
    public synchronized Optional<Duration> blocked(String source, String name) {
        Instant now = clock.instant();
        Optional<Duration> wait = longer(bySource.wait(source, now), name == null ? Optional.empty() : byName.wait(name, now));
        wait.ifPresent(w -> refused.incrementAndGet());
        return wait;
    }

    /** @param name the account name tried, or null when there is none (an API token) */
    public synchronized void failed(String source, String name) {
        Instant now = clock.instant();
        bySource.add(source, now);
        if (name != null) {
            byName.add(name, now);
        }
    }

    /** A successful log-in clears that name's failures (not the source's: one address may guess at many names). */
    public synchronized void succeeded(String name) {
        byName.failures.remove(name);
    }

    public synchronized Stats stats() {
        return new Stats(bySource.failures.size(), byName.failures.size(), refused.get(), dropped.get());
    }

    private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) >= 0 ? a : b;
    }

    /** Failure times per key, oldest key first (insertion order), bounded. */
    private final class Table {
        private final LinkedHashMap<String, Deque<Instant>> failures = new LinkedHashMap<>();

        void add(String key, Instant now) {
            Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            prune(times, now);
            times.addLast(now);
            while (times.size() > settings.failures()) {
                times.removeFirst();
            }
            while (failures.size() > settings.maxKeys()) {
                Map.Entry<String, Deque<Instant>> eldest = failures.entrySet().iterator().next();
                failures.remove(eldest.getKey());
                dropped.incrementAndGet();
            }
        }

        Optional<Duration> wait(String key, Instant now) {
            Deque<Instant> times = failures.get(key);
            if (times == null) {
                return Optional.empty();
            }
            prune(times, now);
            if (times.isEmpty()) {
                failures.remove(key);
                return Optional.empty();
            }
            if (times.size() < settings.failures()) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, times.peekFirst().plus(settings.window())));
        }

        private void prune(Deque<Instant> times, Instant now) {
            while (!times.isEmpty() && !times.peekFirst().plus(settings.window()).isAfter(now)) {
                times.removeFirst();
            }
        }
    }
}
