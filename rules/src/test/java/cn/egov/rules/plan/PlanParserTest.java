package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the parser cuts text into lines and words: line numbers, comments, line ends. */
class PlanParserTest {

    private static final PlanParser PARSER = new PlanParser(null);

    @Test
    void linesEndAtLfCrLfOrCrAndKeepTheirNumbers() {
        String text = "# header\r\n\r\nalloc 130602-001 internal 10.6.8.0/25 lab  LAN\r"
                + "  alloc 130602-002 internal 10.6.8.128/25#no space before the comment\n"
                + "\talloc 130602-003 internal 10.6.9.0/24 # a comment\n"
                + "alloc 130602-004 internal 10.6.10.0/24"; // no line end at the end of the text
        List<Allocation> a = PARSER.parse("t.plan", text).plan().allocations();
        assertEquals(List.of(3, 4, 5, 6), a.stream().map(x -> x.source().line()).toList());
        assertEquals(List.of("lab LAN", "", "", ""), a.stream().map(Allocation::note).toList());
        assertEquals("10.6.8.128/25", a.get(1).prefix().toString());
    }

    @Test
    void aBadLineIsOneFindingWithItsFileAndLine() {
        PlanParser.Result r = PARSER.parse("t.plan", "alloc 130602-001 internal 10.6.8.0/25\n\nalloc 130602-002 internal 10.6.8.1/25\n"
                + "frobnicate x\nalloc 130602-003 internal\n");
        assertFalse(r.ok());
        assertEquals(List.of("t.plan:3", "t.plan:4", "t.plan:5"), r.findings().stream().map(f -> f.source().toString()).toList());
        assertEquals(1, r.plan().allocations().size());
    }

    @Test
    void emptyAndCommentOnlyTextsHaveNoEntries() {
        assertEquals(0, PARSER.parse("t.plan", "").plan().allocations().size());
        PlanParser.Result r = PARSER.parse("t.plan", "\n# only a comment\n   \n#\n");
        assertEquals(List.of(), r.findings());
        assertEquals(0, r.plan().allocations().size());
    }

    @Test
    void wordsOfAnyScriptAreSplitAtAnyWhitespace() {
        // a note in Chinese makes the text UTF-16; U+3000 (ideographic space) and U+001F are whitespace
        // to Character.isWhitespace, U+00A0 (no-break space) is not
        String text = "alloc 130602-001 internal 10.6.8.0/25 县政府\u3000办公室\u001Flan\n"
                + "alloc\u000B130602-002 internal\f10.6.9.0/24 a\u00A0b\n";
        List<Allocation> a = PARSER.parse("t.plan", text).plan().allocations();
        assertEquals(List.of("县政府 办公室 lan", "a\u00A0b"), a.stream().map(Allocation::note).toList());
        assertEquals("10.6.9.0/24", a.get(1).prefix().toString());
    }
}
