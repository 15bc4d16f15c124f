package cn.egov.manager.store;

import cn.egov.api.telemetry.Alarm;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one bounded queue: raises a MAJOR alarm when its fill passes {@code ratio} of the bound,
 * and a CLEARED alarm when it falls back under half of that, or is empty (with ratio 0 the alarm is
 * raised by any message and cleared when none is left). Checked periodically.
 */
public final class BacklogAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogAlarm.class);

    private final String kind;
    private final String what;
    private final LongSupplier fill;
    private final long bound;
    private final double ratio;
    private final AlarmStore alarms;
    private boolean raised;

    public BacklogAlarm(String kind, String what, LongSupplier fill, long bound, double ratio, AlarmStore alarms) {
        this.kind = kind;
        this.what = what;
        this.fill = fill;
        this.bound = bound;
        this.ratio = ratio;
        this.alarms = alarms;
    }

    public synchronized void check() {
        long now = fill.getAsLong();
        long threshold = (long) (bound * ratio);
        try {
            if (!raised && now > threshold) {
                raised = true;
                alarms.raise(new Alarm(kind, Alarm.Severity.MAJOR, "manager",
                        what + " is at " + now + " of its bound " + bound + " (alarm above " + threshold + ")",
                        Map.of("fill", Long.toString(now), "bound", Long.toString(bound)), System.currentTimeMillis()));
                LOG.warn("alarm {}: {} at {} of {}", kind, what, now, bound);
            } else if (raised && (now < threshold / 2 || now == 0)) {
                raised = false;
                alarms.raise(new Alarm(kind, Alarm.Severity.CLEARED, "manager", what + " is back to " + now + " of " + bound,
                        Map.of("fill", Long.toString(now), "bound", Long.toString(bound)), System.currentTimeMillis()));
            }
        } catch (java.sql.SQLException e) {
            LOG.error("cannot record alarm {}: {}", kind, e.toString());
        }
    }

    public synchronized boolean isRaised() {
        return raised;
    }
}
