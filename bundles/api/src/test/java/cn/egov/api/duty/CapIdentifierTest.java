package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CapIdentifierTest {

    @Test
    void thirtyOneCharactersFromTheUnitCodeAndBeijingTime() {
        CapIdentifier id = CapIdentifier.of(UnitCode.parse("130602-001"), Instant.parse("2026-07-01T01:31:25.987Z"), 3);
        assertEquals("13060200100000_20260701093125_3", id.toString());
        assertEquals(CapIdentifier.LENGTH, id.toString().length());
        assertEquals("13060200100000", CapIdentifier.senderCode(UnitCode.parse("130602-001")));
        // Beijing midnight crossing: 16:30 UTC is 00:30 the next day
        assertEquals("13010200500000_20261001003000_0",
                CapIdentifier.of(UnitCode.parse("130102-005"), Instant.parse("2026-09-30T16:30:00Z"), 0).toString());
    }

    @Test
    void parsesBackToTheSameUnitTimeAndSerial() {
        CapIdentifier id = CapIdentifier.parse("13060200100000_20260701093125_3");
        assertEquals(UnitCode.parse("130602-001"), id.unit());
        assertEquals(Instant.parse("2026-07-01T01:31:25Z"), id.entered());
        assertEquals(3, id.serial());
        assertEquals("13060200100000_20260701093125_3", id.toString());
    }

    @Test
    void malformedIdentifiersAreRefusedWithTheReason() {
        for (String bad : new String[] {null, "", "13060200100000_20260701093125", "13060200100000_20260701093125_10",
                "1306020010000X_20260701093125_0", "13060200100000-20260701093125-0", "13060200199000_20260701093125_0",
                "13060200100000_20260231093125_0", "13060200100000_20260701253125_0"}) {
            DutyInputException e = assertThrows(DutyInputException.class, () -> CapIdentifier.parse(bad), String.valueOf(bad));
            assertEquals("id", e.field());
            assertFalse(CapIdentifier.isValid(bad));
        }
        assertTrue(assertThrows(DutyInputException.class, () -> CapIdentifier.parse("13060200100000_20260231093125_0"))
                .getMessage().contains("YYYYMMDDhhmmss"));
        assertThrows(DutyInputException.class, () -> CapIdentifier.of(UnitCode.parse("130602-001"), Instant.EPOCH, 10));
    }
}
