package cn.egov.api.duty;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Whether a report fits the reports its incident already has: 初报 first, then 续报 1, 2, ... in
 * order, then one 终报 or 撤报, nothing after. The box checks before it files a report and the
 * manager again when one arrives, with the same rules.
 *
 * <pre>{@code
 * ReportSequence.check(List.of(initial), followUp2);
 * // DutyInputException(number): "续报 2 of incident 1306..._0 is out of sequence: the next number is 1"
 * }</pre>
 */
public final class ReportSequence {

    private ReportSequence() {
    }

    /**
     * Refuses {@code next} unless it is the next report of its incident.
     *
     * @param earlier the reports already accepted for {@code next.incident()} (any order; others are ignored)
     * @throws DutyInputException naming the field at fault ({@code incident}, {@code number}, {@code status}, {@code occurredAt})
     */
    public static void check(Collection<DutyReport> earlier, DutyReport next) {
        Optional<DutyReport> initial = earlier.stream()
                .filter(r -> r.incident().equals(next.incident()) && r.kind() == ReportKind.INITIAL).findFirst();
        if (next.kind() == ReportKind.INITIAL) {
            if (initial.isPresent() || earlier.stream().anyMatch(r -> r.incident().equals(next.incident()))) {
                throw new DutyInputException("incident", "incident " + next.incident() + " already has its 初报");
            }
            return;
        }
        if (initial.isEmpty()) {
            throw new DutyInputException("incident", next.label() + " names incident " + next.incident()
                    + ", which has no 初报: file the 初报 first");
        }
        DutyReport last = earlier.stream().filter(r -> r.incident().equals(next.incident()))
                .max(Comparator.comparingInt(DutyReport::number)).orElseThrow();
        if (last.kind().closes()) {
            throw new DutyInputException("incident", "incident " + next.incident() + " is closed by its " + last.kind().chinese()
                    + "; it takes no further report");
        }
        if (next.number() != last.number() + 1) {
            throw new DutyInputException("number", next.label() + " of incident " + next.incident()
                    + " is out of sequence: the next number is " + (last.number() + 1));
        }
        DutyReport first = initial.get();
        if (next.status() != first.status()) {
            throw new DutyInputException("status", "incident " + next.incident() + " is " + first.status().cap()
                    + " (" + first.status().chinese() + "); a later report cannot be " + next.status().cap());
        }
        if (!next.occurredAt().equals(first.occurredAt())) {
            throw new DutyInputException("occurredAt", "the event time of incident " + next.incident() + " is "
                    + first.occurredAt() + " (its 初报); a later report cannot change it");
        }
    }
}
