package cn.egov.rules.policy;

/**
 * One thing the parser or validator found. {@link Severity#ERROR} findings make the policy
 * unusable: it is not compiled and the ruleset in force stays (fail closed).
 *
 * @param severity error or warning
 * @param code     stable machine name: {@code syntax}, {@code unknown-option}, {@code missing-option},
 *                 {@code bad-value}, {@code duplicate}, {@code unknown-reference}, {@code contradiction},
 *                 {@code shadowed}, {@code redundant}, {@code expired}, {@code zone-without-interfaces},
 *                 {@code interface-without-zone}, {@code ambiguous-interface}, {@code box-cut-off}
 * @param origin   file and line
 * @param field    the option (field) concerned, or the section type when it is the whole section
 * @param message  one sentence for an operator
 */
public record Finding(Severity severity, String code, Origin origin, String field, String message) {

    /** How bad a finding is. */
    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code 10-baseline.policy:12: error: field 'to': unknown zone 'internett' [unknown-reference]}. */
    @Override
    public String toString() {
        return origin + ": " + severity.name().toLowerCase() + ": field '" + field + "': " + message + " [" + code + "]";
    }
}
