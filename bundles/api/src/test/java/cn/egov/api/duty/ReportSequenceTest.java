package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSequenceTest {

    private final DutyReport first = Reports.initial();
    private final DutyReport one = Reports.next(first, ReportKind.FOLLOW_UP, 1, 30);
    private final DutyReport two = Reports.next(first, ReportKind.FOLLOW_UP, 2, 60);

    @Test
    void initialThenNumberedFollowUpsThenFinal() {
        assertDoesNotThrow(() -> ReportSequence.check(List.of(), first));
        assertDoesNotThrow(() -> ReportSequence.check(List.of(first), one));
        assertDoesNotThrow(() -> ReportSequence.check(List.of(one, first), two));
        assertDoesNotThrow(() -> ReportSequence.check(List.of(first, one, two), Reports.next(first, ReportKind.FINAL, 3, 90)));
        assertDoesNotThrow(() -> ReportSequence.check(List.of(first), Reports.next(first, ReportKind.CANCEL, 1, 5)));
    }

    @Test
    void aFollowUpWithoutItsInitialIsRefused() {
        DutyInputException e = assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(), one));
        assertEquals("incident", e.field());
        assertTrue(e.getMessage().contains("has no 初报"), e.getMessage());
        // other incidents' reports do not count
        DutyReport otherIncident = Reports.initialAt(Reports.FILED.plusSeconds(7));
        assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(otherIncident), one));
    }

    @Test
    void numbersOutOfSequenceAreRefused() {
        DutyInputException skipped = assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first), two));
        assertEquals("number", skipped.field());
        assertTrue(skipped.getMessage().contains("the next number is 1"), skipped.getMessage());
        DutyInputException repeated = assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first, one),
                Reports.next(first, ReportKind.FOLLOW_UP, 1, 45)));
        assertTrue(repeated.getMessage().contains("the next number is 2"), repeated.getMessage());
    }

    @Test
    void nothingAfterTheFinalOrASecondInitial() {
        DutyReport fin = Reports.next(first, ReportKind.FINAL, 2, 60);
        DutyInputException e = assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first, one, fin),
                Reports.next(first, ReportKind.FOLLOW_UP, 3, 70)));
        assertTrue(e.getMessage().contains("closed by its 终报"), e.getMessage());
        assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first), first));
    }

    @Test
    void statusAndEventTimeStayThoseOfTheInitial() {
        DutyReport exercise = new DutyReport(one.id(), one.unit(), one.incident(), one.kind(), 1, one.level(), ReportStatus.EXERCISE,
                one.category(), one.title(), one.occurredAt(), one.filedAt(), null, "", "", "", null, "李四", "");
        assertEquals("status", assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first), exercise)).field());
        DutyReport moved = new DutyReport(one.id(), one.unit(), one.incident(), one.kind(), 1, one.level(), one.status(),
                one.category(), one.title(), one.occurredAt().minusSeconds(60), one.filedAt(), null, "", "", "", null, "李四", "");
        assertEquals("occurredAt", assertThrows(DutyInputException.class, () -> ReportSequence.check(List.of(first), moved)).field());
    }
}
