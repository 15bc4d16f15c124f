package cn.egov.rules.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the line syntax of a policy file into raw sections, before any meaning is attached:
 * a line starting in column 0 opens a section ({@code <type> <name>}); indented lines are
 * {@code <option> <value>...}; {@code #} starts a comment; double quotes keep spaces.
 */
final class PolicyText {

    /** A section as written. */
    record RawSection(String type, String name, Origin origin, List<RawOption> options) {
    }

    /** An option line as written. */
    record RawOption(String name, List<String> values, Origin origin) {
    }

    private PolicyText() {
    }

    static List<RawSection> read(String file, String text, List<Finding> findings) {
        List<RawSection> sections = new ArrayList<>();
        String name = null;
        String type = null;
        Origin sectionOrigin = null;
        List<RawOption> options = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Origin at = new Origin(file, i + 1);
            String line = lines[i];
            List<String> tokens;
            try {
                tokens = tokens(line);
            } catch (IllegalArgumentException e) {
                findings.add(new Finding(Finding.Severity.ERROR, "syntax", at, "line", e.getMessage()));
                continue;
            }
            if (tokens.isEmpty()) {
                continue;
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            if (!indented) {
                if (type != null) {
                    sections.add(new RawSection(type, name, sectionOrigin, options));
                }
                type = null;
                if (tokens.size() != 2) {
                    findings.add(new Finding(Finding.Severity.ERROR, "syntax", at, tokens.get(0),
                            "a section starts with '<type> <name>' in column 1 (got " + tokens.size()
                                    + " words); options are indented"));
                    continue;
                }
                type = tokens.get(0);
                name = tokens.get(1);
                sectionOrigin = at;
                options = new ArrayList<>();
            } else if (type == null) {
                findings.add(new Finding(Finding.Severity.ERROR, "syntax", at, tokens.get(0),
                        "option outside a valid section (a section starts with '<type> <name>' in column 1)"));
            } else {
                options.add(new RawOption(tokens.get(0), List.copyOf(tokens.subList(1, tokens.size())), at));
            }
        }
        if (type != null) {
            sections.add(new RawSection(type, name, sectionOrigin, options));
        }
        return sections;
    }

    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                quoted = true;
                if (cur == null) {
                    cur = new StringBuilder();
                }
            } else if (Character.isWhitespace(c)) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted string");
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }
}
