package cn.egov.manager.cluster;

import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.Database;
import io.micrometer.core.instrument.Gauge;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the manager's province-wide singletons (CRL publishing, the MISSING watch, escalations, ...)
 * on exactly one of the manager nodes that share one PostgreSQL database.
 *
 * <p>Each singleton has a lock key derived from its name. A node holds a singleton by holding the
 * session-level {@code pg_try_advisory_lock(key)} on a connection of its own (one per node, used for
 * nothing else). A node that does not hold a singleton tries again every {@code cluster.leader.retry-ms}.
 * When the holder dies its session ends, PostgreSQL frees the lock, and another node takes the
 * singleton at its next try. Before each run the holder proves its session alive (a round trip on
 * that connection); a holder whose session is gone stops all its singletons at once and competes
 * again on a new connection: a session lock outlives nothing but its session, so the proof is the
 * lock's. A run that has begun when the session ends still finishes; so a node that takes a
 * singleton over runs it first one retry period later, by when such a run has ended: runs must be
 * far shorter than the retry period (they are: a sweep, a CRL write).
 *
 * <p>On SQLite the database is one node's file, so there is one node by definition: every singleton
 * runs, no lock is taken.
 *
 * <p>Each singleton's meter {@code cluster.singleton.held{singleton="<name>"}} is 1 while this node
 * runs it; take-over and loss are logged ("node X now runs the CRL publisher").
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    /** Seconds a liveness round trip on the lock connection may take before the session counts as lost. */
    private static final int CHECK_TIMEOUT_S = 2;

    /** One singleton: its lock and whether this node holds it. */
    private static final class Held {
        final String name;
        final String what;
        final long key;
        volatile boolean held;
        /** Not before this (ms since the epoch): a take-over waits out a run the former holder began. */
        volatile long runsFrom;

        Held(String name, String what, long key) {
            this.name = name;
            this.what = what;
            this.key = key;
        }
    }

    private final Database database;
    private final String node;
    private final boolean shared;
    private final Meters meters;
    private final long grace;
    private final Map<String, Held> singletons = new LinkedHashMap<>();
    private final List<ScheduledExecutorService> timers = new ArrayList<>();
    private final ScheduledExecutorService retry;
    private Connection session;
    private boolean closed;
    /** When this node last lost its session; it stands aside one retry period before competing again. */
    private long lostAt = Long.MIN_VALUE / 2;

    /**
     * @param database the store: PostgreSQL elects, SQLite runs everything here
     * @param node     this node's name in logs (e.g. host and process id)
     * @param retry    how often a node that does not hold a singleton tries to take it
     * @param meters   where the per-singleton flag is registered
     */
    public Leadership(Database database, String node, Duration retry, Meters meters) {
        this.database = database;
        this.node = node;
        this.shared = database.kind() == Database.Kind.POSTGRESQL;
        this.meters = meters;
        this.grace = retry.toMillis();
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-leadership");
            t.setDaemon(true);
            return t;
        });
        if (shared) {
            long ms = retry.toMillis();
            this.retry.scheduleWithFixedDelay(this::compete, 0, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** This node's name, as logged. */
    public String node() {
        return node;
    }

    /**
     * Runs {@code work} every {@code period} while this node holds the singleton {@code name}, on a
     * thread of its own: first one period after this node took it (or, on SQLite, after this call).
     * Several calls with one name share one lock (the CRL publisher's schedule and its revocation check).
     *
     * @param name   short name, also the lock's and the meter's ({@code crl-publisher})
     * @param what   what it is, for the log ("the CRL publisher")
     * @param period time between the end of one run and the start of the next
     * @param work   one run; its exceptions are logged, the next run still comes
     */
    public void every(String name, String what, Duration period, Runnable work) {
        every(name, what, period, period, work);
    }

    /** {@link #every(String, String, Duration, Runnable)} with the first run {@code initialDelay} after the take-over. */
    public void every(String name, String what, Duration initialDelay, Duration period, Runnable work) {
        Held h = register(name, what);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "singleton-" + name);
            t.setDaemon(true);
            return t;
        });
        synchronized (this) {
            if (closed) {
                timer.shutdownNow();
                return;
            }
            timers.add(timer);
        }
        // looks often enough to start soon after a take-over, runs on the singleton's own period
        long tick = shared ? Math.min(period.toMillis(), grace) : period.toMillis();
        Runner runner = new Runner(h, initialDelay.toMillis(), period.toMillis(), work);
        timer.scheduleWithFixedDelay(runner::tick, shared ? tick : initialDelay.toMillis(), Math.max(1, tick), TimeUnit.MILLISECONDS);
    }

    /**
     * One periodic work of a singleton, started anew at each take-over as a part's timer starts
     * with the part: first run {@code initialDelay} after the take-over (and its grace), then every
     * {@code period} after the end of the one before. Touched by its own thread only.
     */
    private final class Runner {
        final Held h;
        final long initialDelay;
        final long period;
        final Runnable work;
        long seenTakeOver = -1;
        long nextDue;

        Runner(Held h, long initialDelay, long period, Runnable work) {
            this.h = h;
            this.initialDelay = initialDelay;
            this.period = period;
            this.work = work;
        }

        void tick() {
            if (!confirm(h)) {
                return;
            }
            if (!shared) { // one node: the executor's schedule is the singleton's
                runOnce();
                return;
            }
            long takeOver = h.runsFrom;
            if (takeOver != seenTakeOver) {
                seenTakeOver = takeOver;
                nextDue = takeOver + initialDelay;
            }
            if (System.currentTimeMillis() < nextDue) {
                return;
            }
            runOnce();
            nextDue = System.currentTimeMillis() + period;
        }

        private void runOnce() {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("{} failed on node {}: {}", h.what, node, e.toString());
            }
        }
    }

    /** True while this node holds {@code name}'s lock, its session proven alive (always true on SQLite). */
    public synchronized boolean holds(String name) {
        Held h = singletons.get(name);
        if (h == null || closed || !h.held) {
            return false;
        }
        if (shared && !alive()) {
            lose("its database session is gone");
            return false;
        }
        return true;
    }

    private synchronized Held register(String name, String what) {
        Held h = singletons.get(name);
        if (h == null) {
            h = new Held(name, what, key(name));
            h.held = !shared;
            singletons.put(name, h);
            Held m = h;
            Gauge.builder("cluster.singleton.held", m, x -> x.held ? 1 : 0).tag("singleton", name)
                    .description("1 while this node runs the singleton").strongReference(true).register(meters.registry());
            if (shared) {
                retry.execute(this::compete); // take it now rather than a retry period later
            } else {
                LOG.info("node {} runs {} (SQLite: one node)", node, what);
            }
        }
        return h;
    }

    /** Whether {@code h} may run now: held, and the session that holds it alive. */
    private synchronized boolean confirm(Held h) {
        if (closed || !h.held) {
            return false;
        }
        if (!shared) {
            return true;
        }
        if (!alive()) {
            lose("its database session is gone");
            return false;
        }
        return System.currentTimeMillis() >= h.runsFrom;
    }

    /** One try: reopen a lost session, then take every singleton not held yet. */
    private synchronized void compete() {
        if (closed) {
            return;
        }
        try {
            if (session != null && !alive()) {
                lose("its database session is gone");
            }
            // a node whose session just ended stands aside for a retry period, so that the others
            // (which try every period) take over, rather than the node that was cut off taking its
            // singletons back at once and flapping
            if (session == null && System.currentTimeMillis() - lostAt < grace) {
                return;
            }
            if (session == null) {
                session = database.session(); // never pooled: the advisory locks live as long as this session
                // who holds which lock, for an operator reading pg_locks joined with pg_stat_activity
                session.setClientInfo("ApplicationName", "egov-manager leadership " + node);
            }
            try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                for (Held h : singletons.values()) {
                    if (h.held) {
                        continue;
                    }
                    ps.setLong(1, h.key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            h.runsFrom = System.currentTimeMillis() + grace;
                            h.held = true;
                            LOG.info("node {} now runs {} (first run in {} ms at the earliest)", node, h.what, grace);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            lose("the database refused: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("node {}: leadership check failed: {}", node, e.toString());
        }
    }

    private boolean alive() {
        try {
            return session != null && session.isValid(CHECK_TIMEOUT_S);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Stops every singleton this node held and drops the session (its locks go with it). */
    private void lose(String why) {
        lostAt = System.currentTimeMillis();
        for (Held h : singletons.values()) {
            if (h.held) {
                h.held = false;
                LOG.warn("node {} no longer runs {}: {}", node, h.what, why);
            }
        }
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // the session is gone already
            }
            session = null;
        }
    }

    private void awaitRuns(List<ScheduledExecutorService> stopped) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(grace);
        try {
            for (ScheduledExecutorService t : stopped) {
                if (!t.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("node {}: a singleton's run did not end within {} ms of the stop", node, grace);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The advisory lock key of a singleton: the first 8 bytes of SHA-256 over a fixed prefix and its name. */
    static long key(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("cn.egov.manager.singleton/" + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }

    /**
     * Stops the singletons' threads, waits (up to a retry period) for a run that had begun, then ends
     * the session: the locks free, another node takes over. Without the wait a run that had passed its
     * check could still start after this returned, with the session and its locks gone.
     */
    @Override
    public void close() {
        List<ScheduledExecutorService> stop;
        synchronized (this) {
            closed = true;
            stop = List.copyOf(timers);
            timers.clear();
        }
        retry.shutdownNow();
        stop.forEach(ScheduledExecutorService::shutdownNow);
        awaitRuns(stop);
        synchronized (this) {
            singletons.values().forEach(h -> h.held = false);
            if (session != null) {
                try {
                    session.close();
                } catch (SQLException e) {
                    LOG.warn("node {}: closing the leadership session: {}", node, e.getMessage());
                }
                session = null;
            }
        }
    }
}
