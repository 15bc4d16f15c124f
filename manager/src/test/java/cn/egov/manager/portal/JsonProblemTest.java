package cn.egov.manager.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a portal publisher is told about a body that is not JSON: its words, not Jackson's class names. */
class JsonProblemTest {

    private static String problem(String body) {
        try {
            new ObjectMapper().readTree(body);
            throw new AssertionError("parsed: " + body);
        } catch (Exception e) {
            return PortalPart.jsonProblem(e);
        }
    }

    @Test
    void aBodyNestedTooDeepIsNamedWithoutJacksonsInternals() {
        assertEquals("Document nesting depth (1001) exceeds the maximum allowed (1000)",
                problem("[".repeat(5000) + "]".repeat(5000)));
    }

    @Test
    void aSyntaxErrorKeepsItsPlace() {
        assertEquals("Unexpected end-of-input: expected close marker for Object (line 1, column 9)", problem("{\"a\": 1 "));
    }
}
