package cn.egov.duty;

import cn.egov.api.time.BeijingTime;
import cn.egov.api.duty.CapIdentifier;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyText;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportSequence;
import cn.egov.api.duty.Roster;
import cn.egov.api.duty.RosterPayload;
import cn.egov.api.duty.Shift;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.text.LogSafe;
import cn.egov.duty.store.DutyStore;
import cn.egov.rules.unit.UnitCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unit's duty desk on the box: what a duty officer, a duty lead and a technician do, each
 * action checked (role, unit, every field, the incident's sequence) before anything is stored.
 *
 * <ul>
 *   <li>An event is recorded ({@link #register}); its deadlines count from its recorded time.</li>
 *   <li>A report is filed ({@link #file}): it gets its 31-character identifier, is stored (the officer's
 *       answer waits for the commit), then queued in the telemetry outbox at {@link Priority#CRITICAL},
 *       ahead of every other waiting message. A crash between the two is repaired by {@link #requeue}.</li>
 *   <li>The roster changes by a duty lead or technician ({@link #putShift}), or by a swap a duty officer
 *       asks for and a lead or technician other than them approves ({@link #requestSwap}, {@link #decideSwap});
 *       each change publishes the roster again.</li>
 *   <li>The manager's receipts (received, acknowledged, escalated) arrive through {@link #onReceipts}.</li>
 * </ul>
 */
public final class DutyDesk {

    private static final Logger LOG = LoggerFactory.getLogger(DutyDesk.class);
    /** Published roster starts this long before now, so that a night shift under way is in it. */
    private static final Duration ROSTER_PAST = Duration.ofDays(1);

    private final UnitCode unit;
    private final DutyStore store;
    private final DutySettings settings;
    private final TelemetryPublisher telemetry;
    private final Clock clock;

    public DutyDesk(UnitCode unit, DutyStore store, DutySettings settings, TelemetryPublisher telemetry, Clock clock) {
        this.unit = unit;
        this.store = store;
        this.settings = settings;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    public UnitCode unit() {
        return unit;
    }

    public DutySettings settings() {
        return settings;
    }

    public DutyStore store() {
        return store;
    }

    // ---- events and reports

    /** Records an event; the deadlines of its level start counting from {@code draft.occurredAt()}. */
    public synchronized Incident register(IncidentDraft draft, DutyActor by) {
        officer(by);
        Instant now = clock.instant();
        if (draft.occurredAt().isAfter(now.plus(DutyReport.FUTURE_TOLERANCE))) {
            throw new DutyInputException("occurredAt", "the event time " + BeijingTime.labelled(draft.occurredAt()) + " is in the future: it is now "
                    + BeijingTime.of(now));
        }
        String title = draft.title();
        Incident i = store.register(title, draft.level(), draft.category(), draft.status(), draft.occurredAt(), now, by.name());
        LOG.info("duty: {} recorded event {} '{}' ({}, {})", LogSafe.of(by.name()), i.key(), LogSafe.of(title),
                draft.level().chinese(), draft.status().cap());
        return i;
    }

    /** Notes that the event was reported by phone at {@code at} (the phone deadline is then met). */
    public synchronized Incident phoneReported(long key, Instant at, DutyActor by) {
        officer(by);
        Incident i = incident(key);
        Instant when = at == null ? clock.instant() : at;
        if (when.isBefore(i.occurredAt())) {
            throw new DutyInputException("phoneReportedAt", "the phone report " + BeijingTime.labelled(when) + " is before the event "
                    + BeijingTime.of(i.occurredAt()));
        }
        if (when.isAfter(clock.instant().plus(DutyReport.FUTURE_TOLERANCE))) {
            throw new DutyInputException("phoneReportedAt", "the phone report time " + BeijingTime.labelled(when) + " is in the future");
        }
        store.markPhoneReport(key, when);
        return incident(key);
    }

    /**
     * Files one report of incident {@code key}: checked, numbered, identified, stored, queued at the
     * highest priority. Nothing is stored when any check fails.
     */
    public synchronized FiledReport file(long key, ReportDraft draft, DutyActor by) {
        officer(by);
        Incident i = incident(key);
        List<DutyReport> earlier = store.reportsOf(key).stream().map(FiledReport::report).toList();
        int next = earlier.stream().mapToInt(DutyReport::number).max().orElse(-1) + 1;
        if (draft.kind() != ReportKind.INITIAL && earlier.isEmpty()) {
            throw new DutyInputException("incident", "a " + draft.kind().chinese() + " of event " + key
                    + " needs its 初报 first: the event has no report yet");
        }
        if (draft.kind() == ReportKind.INITIAL && !earlier.isEmpty()) {
            throw new DutyInputException("kind", "event " + key + " already has its 初报 (" + i.incidentId() + "); file a 续报");
        }
        if (draft.number() != null && draft.number() != next) {
            throw new DutyInputException("number", draft.kind().chinese() + " " + draft.number() + " of event " + key
                    + " is out of sequence: the next number is " + next);
        }
        Instant now = clock.instant();
        long[] slot = store.nextIdentifierSlot(now.getEpochSecond());
        String id = CapIdentifier.of(unit, Instant.ofEpochSecond(slot[0]), (int) slot[1]).toString();
        String incidentId = draft.kind() == ReportKind.INITIAL ? id : i.incidentId();
        String title = draft.title() == null || draft.title().isBlank() ? i.title() : draft.title();
        DutyReport report = new DutyReport(id, unit, incidentId, draft.kind(), next, draft.level(), i.status(), i.category(), title,
                i.occurredAt(), now, i.phoneReportedAt(), draft.location(), draft.description(), draft.measures(), draft.casualties(),
                draft.reporter() == null || draft.reporter().isBlank() ? by.name() : draft.reporter(), draft.phone());
        ReportSequence.check(earlier, report);
        store.insertReport(report, key, by.name(), slot);
        LOG.info("duty: {} filed {} {} of event {} ({})", LogSafe.of(by.name()), report.label(), id, key, report.level().chinese());
        queue(report);
        return store.report(id).orElseThrow();
    }

    /** Queues reports that were stored but never reached the outbox (the process died in between). */
    public synchronized int requeue() {
        int n = 0;
        for (FiledReport f : store.unqueued()) {
            queue(f.report());
            n++;
        }
        return n;
    }

    private void queue(DutyReport r) {
        try {
            telemetry.publish(DutyTopics.APP, DutyTopics.REPORT, DutyReportPayload.encode(r), Priority.CRITICAL);
            store.markQueued(r.id());
        } catch (RuntimeException e) {
            // stored, not queued: requeue() sends it at the next deadline check or start
            LOG.error("duty: report {} is stored but could not be queued for the manager yet: {}", r.id(), e.getMessage());
        }
    }

    public Incident incident(long key) {
        return store.incident(key).orElseThrow(() -> new DutyInputException("incident", "no event " + key + " on this box"));
    }

    public List<Incident> incidents(boolean openOnly, int limit) {
        return store.incidents(openOnly, limit);
    }

    public List<FiledReport> reports(long key) {
        incident(key);
        return store.reportsOf(key);
    }

    public Optional<FiledReport> report(String id) {
        return store.report(id);
    }

    public List<FiledReport> recentReports(int limit) {
        return store.recentReports(limit);
    }

    // ---- receipts from the province

    /** Takes the manager's receipts over (ignored when they name another unit or are older). */
    public void onReceipts(Receipts receipts) {
        if (!receipts.unit().equals(unit)) {
            LOG.warn("duty: receipts for unit {} ignored on the box of {}", receipts.unit(), unit);
            return;
        }
        int n = store.applyReceipts(receipts);
        LOG.info("duty: receipts of {} applied to {} reports", receipts.issuedAt(), n);
    }

    // ---- roster

    /** Adds or replaces a shift (duty lead or technician) and publishes the roster. */
    public synchronized Shift putShift(Shift shift, DutyActor by) {
        lead(by, "edit the roster");
        store.putShift(shift);
        LOG.info("duty: {} set shift {} ({} {} to {})", LogSafe.of(by.name()), shift.id(), LogSafe.of(shift.person()), shift.start(), shift.end());
        publishRoster();
        return shift;
    }

    public synchronized void removeShift(String id, DutyActor by) {
        lead(by, "edit the roster");
        if (store.removeShift(id) < 0) {
            throw new DutyInputException("shift", "no shift '" + LogSafe.of(id) + "'");
        }
        publishRoster();
    }

    /** A duty officer asks to hand a shift to someone else; nothing changes until it is approved. */
    public synchronized SwapRequest requestSwap(String shiftId, String toPerson, String toPhone, String reason, DutyActor by) {
        officer(by);
        Shift s = store.shift(shiftId).orElseThrow(() -> new DutyInputException("shift", "no shift '" + LogSafe.of(shiftId) + "'"));
        if (!s.end().isAfter(clock.instant())) {
            throw new DutyInputException("shift", "shift " + shiftId + " is over; it cannot be swapped");
        }
        Shift handedOver = new Shift(s.id(), s.start(), s.end(), s.role(), toPerson, toPhone); // checks name and phone
        if (handedOver.person().equals(s.person())) {
            throw new DutyInputException("person", "shift " + shiftId + " is already " + s.person() + "'s");
        }
        String why = DutyText.line("reason", reason, SwapRequest.MAX_REASON, false);
        return store.requestSwap(shiftId, handedOver.person(), handedOver.phone(), why, by.name(), clock.instant());
    }

    /** A duty lead or a technician, not the requester, approves or refuses a swap. */
    public synchronized SwapRequest decideSwap(long id, boolean approve, DutyActor by) {
        lead(by, "decide swaps");
        SwapRequest s = store.swap(id).orElseThrow(() -> new DutyInputException("swap", "no swap request " + id));
        if (s.requestedBy().equals(by.name())) {
            throw new DutyForbiddenException(by.name() + " asked for swap " + id + " and cannot decide it: a duty lead or technician must");
        }
        long version = store.decideSwap(id, approve, by.name(), clock.instant());
        LOG.info("duty: {} {} swap {} of shift {}", LogSafe.of(by.name()), approve ? "approved" : "refused", id, s.shiftId());
        if (version > 0) {
            publishRoster();
        }
        return store.swap(id).orElseThrow();
    }

    public List<SwapRequest> swaps(boolean pendingOnly, int limit) {
        return store.swaps(pendingOnly, limit);
    }

    public Optional<Shift> shift(String id) {
        return store.shift(id);
    }

    public List<Shift> shifts(Instant from, Instant to) {
        return store.shifts(from, to);
    }

    /** The roster as published: yesterday to {@code roster.days} ahead, at most {@link Roster#MAX_SHIFTS} shifts. */
    public Roster roster() {
        Instant now = clock.instant();
        List<Shift> shifts = store.shifts(now.minus(ROSTER_PAST), now.plus(Duration.ofDays(settings.rosterDays())));
        if (shifts.size() > Roster.MAX_SHIFTS) {
            LOG.warn("duty: {} shifts in the roster window, only the first {} are published", shifts.size(), Roster.MAX_SHIFTS);
            shifts = shifts.subList(0, Roster.MAX_SHIFTS);
        }
        return new Roster(unit, store.rosterVersion(), now, shifts);
    }

    /** Queues the roster for the manager (priority STATE: behind reports and alarms, ahead of health). */
    public void publishRoster() {
        telemetry.publish(DutyTopics.APP, DutyTopics.ROSTER, RosterPayload.encode(roster()), Priority.STATE);
    }

    // ---- who may do what

    private void officer(DutyActor by) {
        checkUnit(by);
        if (!by.dutyOfficer()) {
            throw new DutyForbiddenException(by.name() + " is not a duty officer (值班员)");
        }
    }

    /** The unit's duty leads (named in the configuration) and technicians keep the roster. */
    private void lead(DutyActor by, String what) {
        checkUnit(by);
        if (!by.technician() && !(by.dutyOfficer() && settings.leads().contains(by.name()))) {
            throw new DutyForbiddenException(by.name() + " may not " + what + ": only the unit's duty leads (" + DutySettings.PID
                    + " leads) and technicians may");
        }
    }

    /**
     * A report names its unit: only the box's own unit may report through it, or read what it
     * reported (a box serving several units for the exchange has accounts of the others).
     *
     * @throws DutyForbiddenException for an account of another unit
     */
    public void checkUnit(DutyActor by) {
        if (!by.unit().equals(unit.toString())) {
            throw new DutyForbiddenException("account " + by.name() + " belongs to unit " + LogSafe.of(by.unit())
                    + ", this box reports for " + unit);
        }
    }
}
