package cn.egov.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    @Test
    void readsWhatIpAndNftPrint() {
        Object v = JsonValues.parse("[{\"ifname\":\"eth0\",\"mtu\":1500,\"up\":true,\"x\":null,\"r\":1.5,\"s\":\"a\\\"b\\u4e2d\"}]");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("eth0", m.get("ifname"));
        assertEquals(1500L, m.get("mtu"));
        assertEquals(Boolean.TRUE, m.get("up"));
        assertTrue(m.containsKey("x") && m.get("x") == null);
        assertEquals(1.5, m.get("r"));
        assertEquals("a\"b中", m.get("s"));
    }

    @Test
    void canonicalFormIgnoresKeyOrderAndSpacing() {
        assertEquals(JsonValues.canonical(JsonValues.parse("{\"b\": [1, 2], \"a\": \"x\"}")),
                JsonValues.canonical(JsonValues.parse("{\"a\":\"x\",\"b\":[1,2]}")));
        assertEquals("{\"a\":\"x\",\"b\":[1,2]}", JsonValues.canonical(JsonValues.parse("{ \"b\":[1,2], \"a\":\"x\" }")));
    }

    @Test
    void truncatedOrMalformedInputNamesTheOffset() {
        for (String bad : List.of("", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "[1,", "\"abc", "\"\\u12", "tru", "{1:2}", "[1] x", "-")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonValues.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), bad + " -> " + e.getMessage());
        }
    }

    @Test
    void canonicalTextIsAsciiWithEveryOtherCharacterEscapedAndParsesBack() {
        Object v = JsonValues.parse("{\"名\": \"内网\\n\\\"x\\\"\\u0001\", \"a\": [1, -2, true, null]}");
        String text = JsonValues.canonical(v);
        assertEquals("{\"a\":[1,-2,true,null],\"\\u540d\":\"\\u5185\\u7f51\\n\\\"x\\\"\\u0001\"}", text);
        assertEquals(text, JsonValues.canonical(JsonValues.parse(text)));
    }

    /**
     * A duty officer's client (or anyone with an account) posting a few kilobytes of brackets must
     * get the one-line refusal, not a StackOverflowError: the box answered 500 and logged a
     * thousand-line stack trace per request.
     */
    @Test
    void nestingBeyondTheBoundIsRefusedInOneLineNotAStackOverflow() {
        for (String open : List.of("[", "{\"a\":")) {
            String deep = open.repeat(3000) + "1" + (open.equals("[") ? "]" : "}").repeat(3000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonValues.parse(deep));
            assertTrue(e.getMessage().startsWith("JSON: nested deeper than " + JsonValues.MAX_DEPTH) && e.getMessage().contains("offset"),
                    e.getMessage());
        }
        String atTheBound = "[".repeat(JsonValues.MAX_DEPTH) + "]".repeat(JsonValues.MAX_DEPTH);
        assertEquals(atTheBound, JsonValues.canonical(JsonValues.parse(atTheBound)));
    }
}
