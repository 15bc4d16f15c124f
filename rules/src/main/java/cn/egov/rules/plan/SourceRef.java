package cn.egov.rules.plan;

/**
 * Where a plan entry was written: file name and 1-based line.
 *
 * @param file file name as given to the parser (e.g. {@code rules/plan/hebei.plan})
 * @param line 1-based line number
 */
public record SourceRef(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
