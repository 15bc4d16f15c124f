package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The one set of filter rules: what passes, what is no filter, and how a refusal reads. */
class QueryFiltersTest {

    /** As a box's status; the test stays in the web package (no part's types in the shell). */
    private enum Status { CONNECTED, DISCONNECTED, MISSING }

    @Test
    void wellFormedValuesPassAndAnAbsentOrEmptyOneIsNoFilter() {
        assertEquals("1306", QueryFilters.city("1306"));
        assertEquals("130602", QueryFilters.county("130602"));
        assertEquals("130602-001", QueryFilters.unit("130602-001"));
        assertEquals(Status.MISSING, QueryFilters.oneOf("status", "missing", Status.class));
        assertEquals(7, QueryFilters.whole("days", "7", 1, 1, 366));
        assertNull(QueryFilters.county(null));
        assertNull(QueryFilters.county(""), "a form sends its empty fields");
        assertNull(QueryFilters.oneOf("status", "", Status.class));
        assertEquals(24, QueryFilters.whole("hours", null, 24, 1, 48));
    }

    @Test
    void aRefusalNamesTheParameterWhatItMustBeAndTheValue() {
        assertEquals("county must be 6 digits, like 130602, got 'abc'", refusal(() -> QueryFilters.county("abc")));
        assertEquals("city must be 4 digits, like 1306, got '130'", refusal(() -> QueryFilters.city("130")));
        assertEquals("unit must be a unit code like 130602-001, got '130602-01'", refusal(() -> QueryFilters.unit("130602-01")));
        assertEquals("status must be one of CONNECTED, DISCONNECTED, MISSING, got 'MISING'",
                refusal(() -> QueryFilters.oneOf("status", "MISING", Status.class)));
        assertEquals("days must be a whole number from 1 to 366, got '367'", refusal(() -> QueryFilters.whole("days", "367", 7, 1, 366)));
        assertEquals("days must be a whole number from 1 to 366, got 'x'", refusal(() -> QueryFilters.whole("days", "x", 7, 1, 366)));
        assertEquals("county must be 6 digits, like 130602, got '１３０６０２'", refusal(() -> QueryFilters.county("１３０６０２")),
                "ASCII digits only");
    }

    @Test
    void theValueIsCutToFortyCharactersAndKeptOnOneLine() {
        String long1 = "9".repeat(41);
        assertEquals("county must be 6 digits, like 130602, got '" + "9".repeat(40) + "…'", refusal(() -> QueryFilters.county(long1)));
        assertEquals("county must be 6 digits, like 130602, got '" + "9".repeat(40) + "'",
                refusal(() -> QueryFilters.county("9".repeat(40))), "40 is not cut");
        assertEquals("city must be 4 digits, like 1306, got '13\\nINFO forged'", refusal(() -> QueryFilters.city("13\nINFO forged")));
        String ext = "\uD840\uDC00".repeat(41); // CJK Extension B: two chars each
        assertEquals("\uD840\uDC00".repeat(40) + "…", QueryFilters.echo(ext), "cut between characters, never inside one");
    }

    private static String refusal(org.junit.jupiter.api.function.Executable check) {
        return assertThrows(IllegalArgumentException.class, check).getMessage();
    }
}
