package cn.egov.manager.policy.dist;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.store.AlarmStore;
import cn.egov.rules.unit.UnitCode;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a box that connects (BIRTH) the newest bundle of its scope it was never sent
 * ({@link PolicyDistributor#catchUp}), on a thread of its own: the ingest writer that sees the
 * BIRTH must not wait for a publish acknowledgement (the MQTT client's callback thread may itself
 * be waiting for the writer). The queue is bounded ({@link #CAPACITY} units); a unit that does not
 * fit is counted, alarmed ({@code policy.catchup.dropped}) and caught up at its next BIRTH.
 */
public final class PolicyCatchUp implements AutoCloseable {

    /** Units waiting for a catch-up at most. */
    public static final int CAPACITY = 1024;
    /** Alarm kind (client id {@code manager}) when a catch-up was dropped. */
    public static final String DROPPED_ALARM = "policy.catchup.dropped";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyCatchUp.class);

    private final PolicyDistributor distributor;
    private final AlarmStore alarms;
    private final ArrayBlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final ThreadPoolExecutor worker;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sent = new LongAdder();

    public PolicyCatchUp(PolicyDistributor distributor, AlarmStore alarms) {
        this.distributor = distributor;
        this.alarms = alarms;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "policy-catch-up");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a catch-up for {@code unit}; never blocks. */
    public void onBirth(UnitCode unit) {
        try {
            worker.execute(() -> {
                try {
                    if (distributor.catchUp(unit) > 0) {
                        sent.increment();
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("policy catch-up for {} failed: {}", unit, e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            dropped.increment();
            try {
                alarms.raise(new Alarm(DROPPED_ALARM, Alarm.Severity.WARNING, "manager",
                        "policy catch-up queue full (" + CAPACITY + "): unit " + unit + " gets its bundle at its next connect",
                        Map.of("unit", unit.toString()), System.currentTimeMillis()));
            } catch (SQLException e) {
                LOG.warn("cannot record alarm {}: {}", DROPPED_ALARM, e.toString());
            }
        }
    }

    public int depth() {
        return queue.size();
    }

    public long dropped() {
        return dropped.sum();
    }

    public long sent() {
        return sent.sum();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
