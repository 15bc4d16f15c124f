package cn.egov.rules.policy;

import java.util.Map;

/**
 * Where something in a policy was written: file name (relative to the policy directory) and
 * 1-based line. Every model element and every finding carries one, so that an error and every
 * generated nftables rule point back at the text an auditor reads.
 *
 * @param file       file name, e.g. {@code 10-baseline.policy}
 * @param line       1-based line number of the section; 0 when there is no single line (a whole file)
 * @param fieldLines line of each option written in the section, so a finding can name the option's line
 */
public record Origin(String file, int line, Map<String, Integer> fieldLines) {

    public Origin {
        fieldLines = Map.copyOf(fieldLines);
    }

    public Origin(String file, int line) {
        this(file, line, Map.of());
    }

    /** Where option {@code field} of this section was written (the section's line when absent). */
    public Origin of(String field) {
        Integer l = fieldLines.get(field);
        return new Origin(file, l == null ? line : l);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
