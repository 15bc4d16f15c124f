package cn.egov.manager.store;

import cn.egov.api.telemetry.Alarm;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alarms raised from hot paths (a refused CONNECT on a broker thread, a refused message in the
 * ingest writer) without blocking them and without letting an attacker fill the alarm table:
 * {@link #note} only queues, coalescing by key; {@link #flush} (the manager's periodic check)
 * stores them. One key (e.g. reason + client id) is alarmed at most once per interval, with the
 * number of attempts as evidence. The queue is bounded; what does not fit is counted
 * ({@link #dropped()}) and the count itself is alarmed at the next flush.
 */
public final class ThrottledAlarms {

    private static final Logger LOG = LoggerFactory.getLogger(ThrottledAlarms.class);
    static final String DROPPED_KIND = "alarms.dropped";
    /** Keys remembered per key that may wait: bounds the memory an attack with ever new client ids can take. */
    private static final int REMEMBERED_PER_PENDING = 10;

    private record Pending(Alarm first, long attempts) {
    }

    private final AlarmStore store;
    private final long intervalMs;
    private final int maxPending;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /** When each key was last alarmed; forgotten after the interval, and the oldest first beyond a bound. */
    private final Map<String, Long> lastRaised = new LinkedHashMap<>();
    private final int maxRemembered;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder suppressed = new LongAdder();
    private long droppedReported;

    /**
     * @param intervalMs least time between two alarms of one key
     * @param maxPending most distinct keys waiting for the next flush
     */
    public ThrottledAlarms(AlarmStore store, long intervalMs, int maxPending) {
        this.store = store;
        this.intervalMs = intervalMs;
        this.maxPending = maxPending;
        this.maxRemembered = REMEMBERED_PER_PENDING * maxPending;
    }

    /** Queues an alarm; returns at once. A second note of a waiting key only counts an attempt. */
    public synchronized void note(String key, Alarm alarm) {
        Pending p = pending.get(key);
        if (p != null) {
            pending.put(key, new Pending(p.first(), p.attempts() + 1));
        } else if (pending.size() < maxPending) {
            pending.put(key, new Pending(alarm, 1));
        } else {
            dropped.increment();
        }
    }

    /** Stores what is due; returns the alarms stored. */
    public List<Alarm> flush(long now) {
        List<Map.Entry<String, Pending>> due;
        long droppedNow;
        synchronized (this) {
            due = new ArrayList<>(pending.entrySet());
            pending.clear();
            lastRaised.values().removeIf(t -> now - t >= intervalMs);
            droppedNow = dropped.sum() - droppedReported;
            droppedReported += droppedNow;
        }
        List<Alarm> raised = new ArrayList<>();
        for (Map.Entry<String, Pending> e : due) {
            synchronized (this) {
                if (lastRaised.containsKey(e.getKey())) {
                    suppressed.add(e.getValue().attempts());
                    continue;
                }
                lastRaised.put(e.getKey(), now);
                if (lastRaised.size() > maxRemembered) {
                    Iterator<String> oldest = lastRaised.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
            Alarm a = e.getValue().first();
            Map<String, String> evidence = new LinkedHashMap<>(a.evidence());
            evidence.put("attempts", Long.toString(e.getValue().attempts()));
            raised.add(new Alarm(a.kind(), a.severity(), a.source(), a.message(), evidence, a.time()));
        }
        if (droppedNow > 0) {
            raised.add(new Alarm(DROPPED_KIND, Alarm.Severity.MAJOR, "manager", droppedNow
                    + " alarm(s) not recorded: more than " + maxPending + " distinct ones waited at once",
                    Map.of("dropped", Long.toString(droppedNow)), now));
        }
        for (Iterator<Alarm> it = raised.iterator(); it.hasNext(); ) {
            Alarm a = it.next();
            try {
                store.raise(a);
            } catch (SQLException ex) {
                it.remove();
                LOG.error("cannot record alarm {}: {}", a.kind(), ex.toString());
            }
        }
        return raised;
    }

    /** Alarms that did not fit in the queue, since start. */
    public long dropped() {
        return dropped.sum();
    }

    /** Attempts not alarmed because their key was alarmed within the interval, since start. */
    public long suppressed() {
        return suppressed.sum();
    }

    public synchronized int pending() {
        return pending.size();
    }
}
