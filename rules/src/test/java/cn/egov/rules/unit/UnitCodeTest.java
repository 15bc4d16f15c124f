package cn.egov.rules.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnitCodeTest {

    @Test
    void parsesTheWrittenForm() {
        UnitCode u = UnitCode.parse("130602-001");
        assertEquals("130602", u.countyCode());
        assertEquals("1306", u.cityCode());
        assertEquals("13", u.provinceCode());
        assertEquals("001", u.department());
        assertEquals("130602-001", u.toString());
    }

    @Test
    void isValidAgreesWithParse() {
        // non-ASCII digits (Arabic-Indic, full-width) were refused by the regex's \d and must stay refused
        List<String> texts = List.of("130602-001", "000000-000", "999999-999", "130602_001", "1306020-01", "13060-2001",
                "130602-01", "130602-0011", "13060a-001", "130602-00b", "", "-", "130602--01", "١٣٠٦٠٢-001", "130602-００1",
                " 130602-001", "130602-001 ", "/30602-001", "130602-:01");
        for (String t : texts) {
            boolean parses;
            try {
                UnitCode.parse(t);
                parses = true;
            } catch (IllegalArgumentException e) {
                parses = false;
            }
            assertEquals(parses, UnitCode.isValid(t), t);
        }
        assertTrue(UnitCode.isValid("130602-001"));
        assertFalse(UnitCode.isValid(null));
        assertFalse(UnitCode.isValid("130602-０01"));
    }

    @Test
    void refusesPartsThatAreNotDigitsWithTheWrongPart() {
        IllegalArgumentException county = assertThrows(IllegalArgumentException.class, () -> new UnitCode("13060x", "001"));
        assertTrue(county.getMessage().startsWith("county code must be 6 digits"), county.getMessage());
        IllegalArgumentException dept = assertThrows(IllegalArgumentException.class, () -> new UnitCode("130602", "01"));
        assertTrue(dept.getMessage().startsWith("department code must be 3 digits"), dept.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UnitCode(null, "001"));
        assertThrows(IllegalArgumentException.class, () -> new UnitCode("130602", null));
    }

    @Test
    void ordersAsTheWrittenCodes() {
        Random random = new Random(14);
        List<UnitCode> codes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            codes.add(new UnitCode(String.format("%06d", random.nextInt(1_000) + 130_000), String.format("%03d", random.nextInt(20))));
        }
        List<UnitCode> byCompare = new ArrayList<>(codes);
        byCompare.sort(Comparator.naturalOrder());
        List<UnitCode> byText = new ArrayList<>(codes);
        byText.sort(Comparator.comparing(UnitCode::toString));
        assertEquals(byText, byCompare);
        for (int i = 0; i < 200; i++) {
            UnitCode a = codes.get(i);
            UnitCode b = codes.get(i + 1);
            assertEquals(Integer.signum(a.toString().compareTo(b.toString())), Integer.signum(a.compareTo(b)), a + " vs " + b);
        }
    }
}
