package cn.egov.manager.portal;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.portal.PortalSigning;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.TelemetryListener;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What boxes say about their mirrors, as the ingest writer stores it: {@code PORTAL/probe} (the
 * inspection probe) and {@code PORTAL/snapshot} (version in force, last outcome) are upserted,
 * {@code PORTAL/notice} goes to the {@link NoticeDesk}. A box's BIRTH sends it its index again, on
 * a thread of this part (a publish must not wait on the ingest writer's thread), through a queue
 * of {@code portal.notice-queue} entries; a BIRTH that does not fit is counted and alarmed, and the
 * box still finds its versions by polling.
 */
final class BoxReports implements TelemetryListener, AutoCloseable {

    /** Alarm kind when the part's queue was full. */
    static final String QUEUE_FULL_ALARM = "portal.queue.full";
    private static final Logger LOG = LoggerFactory.getLogger(BoxReports.class);

    private final PortalStore store;
    private final NoticeDesk notices;
    private final IndexNotifier index;
    private final cn.egov.manager.store.AlarmStore alarms;
    private final ArrayBlockingQueue<Runnable> queue;
    private final ThreadPoolExecutor worker;
    final LongAdder dropped = new LongAdder();

    BoxReports(PortalStore store, NoticeDesk notices, IndexNotifier index, cn.egov.manager.store.AlarmStore alarms, int capacity) {
        this.store = store;
        this.notices = notices;
        this.index = index;
        this.alarms = alarms;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "portal-index");
            t.setDaemon(true);
            return t;
        });
    }

    int depth() {
        return queue.size();
    }

    @Override
    public void onStored(IngestRecord.Decoded m) {
        if (m.kind() == IngestKind.BIRTH) {
            try {
                worker.execute(() -> {
                    try {
                        index.send(m.unit());
                    } catch (SQLException | RuntimeException e) {
                        LOG.warn("portal index for {} at its BIRTH failed: {}", m.unit(), e.toString());
                    }
                });
            } catch (RejectedExecutionException full) {
                dropped.increment();
                raiseQueueFull(m);
            }
            return;
        }
        if (m.kind() != IngestKind.TELEMETRY || !PortalSigning.APP_ID.equals(m.topic().appId())) {
            return;
        }
        KuraPayload p = m.payload();
        try {
            switch (m.topic().resource()) {
                case PortalMetrics.PROBE_RESOURCE -> store.probe(new PortalStore.Probe(m.unit().toString(), text(p, PortalMetrics.SITE),
                        p.timestamp() == null ? System.currentTimeMillis() : p.timestamp(), bool(p, PortalMetrics.REACHABLE),
                        (int) num(p, PortalMetrics.HTTP_STATUS), num(p, PortalMetrics.LATENCY_MS), num(p, PortalMetrics.SNAPSHOT_VERSION),
                        num(p, PortalMetrics.SNAPSHOT_AGE_S), num(p, PortalMetrics.LAST_MODIFIED_AGE_S), bool(p, PortalMetrics.STALE),
                        bool(p, PortalMetrics.EXPIRED)));
                case PortalMetrics.SNAPSHOT_RESOURCE -> store.mirror(new PortalStore.Mirror(m.unit().toString(), text(p, PortalMetrics.SITE),
                        num(p, PortalMetrics.VERSION_IN_FORCE), text(p, PortalMetrics.OUTCOME), text(p, PortalMetrics.CHECK),
                        text(p, PortalMetrics.REASON), num(p, PortalMetrics.VERSION),
                        p.timestamp() == null ? System.currentTimeMillis() : p.timestamp()));
                case PortalMetrics.NOTICE_RESOURCE -> {
                    if (p.body() != null) {
                        notices.receive(m.unit(), p.body());
                    }
                }
                default -> {
                }
            }
        } catch (SQLException e) {
            LOG.warn("portal report {} of {} not stored: {}", m.topic().resource(), m.unit(), e.toString());
        }
    }

    private void raiseQueueFull(IngestRecord.Decoded m) {
        try {
            alarms.raise(new cn.egov.api.telemetry.Alarm(QUEUE_FULL_ALARM, cn.egov.api.telemetry.Alarm.Severity.WARNING, "portal",
                    "portal queue full: unit " + m.unit() + " gets its index at its next poll", java.util.Map.of("unit", m.unit().toString()),
                    System.currentTimeMillis()));
        } catch (SQLException e) {
            LOG.warn("cannot record alarm {}: {}", QUEUE_FULL_ALARM, e.toString());
        }
    }

    private static String text(KuraPayload p, String name) {
        return Objects.toString(p.metric(name), "");
    }

    private static long num(KuraPayload p, String name) {
        return p.metric(name) instanceof Number n ? n.longValue() : 0;
    }

    private static boolean bool(KuraPayload p, String name) {
        return Boolean.TRUE.equals(p.metric(name));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
