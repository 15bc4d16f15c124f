package cn.egov.api.duty;

/**
 * The text rules of every duty field, so that box and manager refuse the same input with the same
 * words: one-line fields have no control characters, multi-line fields allow line breaks and tabs,
 * and lengths are counted in characters (code points), not bytes.
 *
 * <pre>{@code
 * DutyText.line("title", " 爆炸 ", 100, true);   // "爆炸"
 * DutyText.line("title", "", 100, true);         // DutyInputException(title): "title is empty"
 * }</pre>
 */
public final class DutyText {
    private DutyText() {
    }

    /** One line of text: trimmed, no control characters, at most {@code max} characters. */
    public static String line(String field, String value, int max, boolean required) {
        String v = value == null ? "" : value.strip();
        if (required && v.isEmpty()) {
            throw new DutyInputException(field, field + " is empty");
        }
        if (v.codePointCount(0, v.length()) > max) {
            throw new DutyInputException(field, field + " has " + v.codePointCount(0, v.length()) + " characters, at most " + max + " are allowed");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new DutyInputException(field, field + " must be one line without control characters");
            }
        }
        return v;
    }

    /** Text of several lines: line breaks and tabs allowed, other control characters not. */
    public static String text(String field, String value, int max) {
        String v = value == null ? "" : value.strip().replace("\r\n", "\n");
        if (v.codePointCount(0, v.length()) > max) {
            throw new DutyInputException(field, field + " has " + v.codePointCount(0, v.length()) + " characters, at most " + max + " are allowed");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new DutyInputException(field, field + " holds a control character (U+" + String.format("%04X", (int) c) + ")");
            }
        }
        return v;
    }
}
