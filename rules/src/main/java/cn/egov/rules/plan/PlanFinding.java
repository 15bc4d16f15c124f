package cn.egov.rules.plan;

/**
 * One problem found in a plan, pointing at the file and line that caused it.
 *
 * @param kind     what is wrong
 * @param severity {@link Severity#ERROR} makes the plan unusable; warnings are advice
 * @param source   the line at fault
 * @param message  one sentence an operator understands
 */
public record PlanFinding(Kind kind, Severity severity, SourceRef source, String message) {

    /** What is wrong. */
    public enum Kind {
        /** A line that does not parse: unknown directive, bad prefix, bad code. */
        SYNTAX,
        /** Two entries share addresses without being parent and child (incl. duplicates). */
        OVERLAP,
        /** An allocation not inside its parent's allocations (or its zone's aggregates). */
        OUTSIDE_PARENT,
        /** An allocation inside another unit's allocation. */
        FOREIGN_SPACE,
        /** An allocation that overlaps a reserved range. */
        RESERVED,
        /** A domain name that is not a valid host name. */
        DOMAIN_MALFORMED,
        /** The same domain name declared twice. */
        DOMAIN_DUPLICATE,
        /** A name that breaks www.&lt;place&gt;.gov.cn / &lt;dept&gt;.&lt;place&gt;.gov.cn / internal naming. */
        DOMAIN_CONVENTION,
        /** Address space that is never allocated. */
        UNUSED
    }

    /** How bad. */
    public enum Severity { ERROR, WARNING }

    public String kindLabel() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return source + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + " [" + kindLabel() + "] " + message;
    }
}
