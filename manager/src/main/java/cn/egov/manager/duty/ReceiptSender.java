package cn.egov.manager.duty;

import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.ReceiptsPayload;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.store.AlarmStore;
import cn.egov.rules.unit.UnitCode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each unit the duty office's receipts for its recent reports (received, acknowledged,
 * escalated) on {@code $EDC/<acct>/<unit>/DUTY/PUT/receipts}, retained, so a box that is offline
 * gets the newest list when it connects and nothing needs catching up.
 *
 * <p>Runs on a thread of its own: the ingest writer that accepts a report must not wait for a
 * publish acknowledgement (the MQTT client's callback thread may itself be waiting for the writer).
 * Units to send are a set (a unit changed twice is sent once, with the newest state), bounded by
 * {@code duty.receipts-queue}; a unit that does not fit is counted and alarmed
 * ({@code duty.receipts.dropped}) and goes with its next change. A failed publish is tried again.
 */
final class ReceiptSender implements AutoCloseable {

    /** Alarm kind (client id {@code manager}) when a unit's receipts could not be queued. */
    static final String DROPPED_ALARM = "duty.receipts.dropped";
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptSender.class);
    private static final long RETRY_PAUSE_MS = 2_000;

    private final DutyOfficeStore store;
    private final DutyOfficeSettings settings;
    private final BoxMessenger messenger;
    private final String account;
    private final AlarmStore alarms;
    private final Clock clock;
    private final Set<UnitCode> waiting = new LinkedHashSet<>();
    private final Thread worker;
    private volatile boolean running = true;
    final LongAdder sent = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder dropped = new LongAdder();

    ReceiptSender(DutyOfficeStore store, DutyOfficeSettings settings, BoxMessenger messenger, String account, AlarmStore alarms, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.messenger = messenger;
        this.account = account;
        this.alarms = alarms;
        this.clock = clock;
        this.worker = new Thread(this::run, "duty-receipts");
        this.worker.setDaemon(true);
    }

    void start() {
        worker.start();
    }

    /** The unit's receipts changed; never blocks. */
    void changed(UnitCode unit) {
        boolean fits;
        synchronized (waiting) {
            fits = waiting.contains(unit) || waiting.size() < settings.receiptsQueue();
            if (fits) {
                waiting.add(unit);
                waiting.notifyAll();
            }
        }
        if (!fits) {
            dropped.increment();
            try {
                alarms.raise(new Alarm(DROPPED_ALARM, Alarm.Severity.WARNING, "duty", "duty receipts queue full ("
                        + settings.receiptsQueue() + "): unit " + unit + " gets its receipts with its next change",
                        Map.of("unit", unit.toString()), clock.millis()));
            } catch (SQLException e) {
                LOG.warn("cannot record alarm {}: {}", DROPPED_ALARM, e.toString());
            }
        }
    }

    int depth() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** The receipts a unit is sent: its reports of the last {@code duty.receipts-days}, newest first. */
    Receipts receipts(UnitCode unit) throws SQLException {
        Instant now = clock.instant();
        List<ReportReceipt> list = new ArrayList<>();
        for (OfficeReport o : store.ofUnit(unit.toString(), now.minus(settings.receiptsDays()), Receipts.MAX_RECEIPTS)) {
            list.add(new ReportReceipt(o.report().id(), o.receivedAt(), o.acknowledgedAt(), o.acknowledgedBy(), o.step(),
                    settings.escalation().step(o.step()).name()));
        }
        return new Receipts(unit, now, list);
    }

    private void run() {
        while (running) {
            UnitCode unit;
            synchronized (waiting) {
                while (running && waiting.isEmpty()) {
                    try {
                        waiting.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running) {
                    return;
                }
                unit = waiting.iterator().next();
                waiting.remove(unit);
            }
            try {
                messenger.publish(KuraTopic.control(account, unit.toString(), DutyTopics.APP, DutyTopics.RECEIPTS),
                        ReceiptsPayload.encode(receipts(unit)), true);
                sent.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.increment();
                LOG.warn("duty: receipts for {} not sent ({}); trying again", unit, e.toString());
                changed(unit);
                try {
                    Thread.sleep(RETRY_PAUSE_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
