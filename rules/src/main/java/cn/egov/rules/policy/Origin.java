package cn.egov.rules.policy;

/**
 * Where something in a policy was written: file name (relative to the policy directory) and
 * 1-based line. Every model element and every finding carries one, so that an error and every
 * generated nftables rule point back at the text an auditor reads.
 *
 * @param file file name, e.g. {@code 10-baseline.policy}
 * @param line 1-based line number; 0 when the element has no single line (e.g. a whole file)
 */
public record Origin(String file, int line) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
