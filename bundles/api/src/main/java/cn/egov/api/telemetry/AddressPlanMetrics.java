package cn.egov.api.telemetry;

/**
 * Wire names of the address-plan conformance telemetry, shared by the box bundle
 * ({@code addressplan}) and the manager's remediation list.
 *
 * <ul>
 * <li>{@code <account>/<client-id>/ADDRESSPLAN/check} (priority STATE), one per check: {@link #CHECK_ID},
 *     {@link #UNIT}, {@link #CONFORMS}, {@link #ITEMS_CHECKED}, {@link #FINDINGS}, one
 *     {@code findings.<kind>} count per kind, {@link #PROBLEMS}.</li>
 * <li>{@code <account>/<client-id>/ADDRESSPLAN/finding} (priority ALARM), one per finding:
 *     {@link #CHECK_ID}, {@link #UNIT}, {@link #KIND}, {@link #KEY}, {@link #SUBJECT}, {@link #OBSERVED},
 *     {@link #EXPECTED}, {@link #OWNER}, {@link #SUGGESTION}, {@link #REMEDIATION}.</li>
 * </ul>
 * A finding belongs to the check with the same {@link #CHECK_ID}; findings of earlier checks
 * whose {@link #KEY} is absent from the latest check are resolved.
 */
public final class AddressPlanMetrics {
    private AddressPlanMetrics() {
    }

    public static final String APP = "ADDRESSPLAN";
    public static final String CHECK_RESOURCE = "check";
    public static final String FINDING_RESOURCE = "finding";

    /** Milliseconds since the epoch when the check ran; identifies the check. */
    public static final String CHECK_ID = "check_id";
    public static final String UNIT = "unit";
    public static final String CONFORMS = "conforms";
    public static final String ITEMS_CHECKED = "items_checked";
    public static final String FINDINGS = "findings";
    /** Prefix of the per-kind counts: {@code findings.NEIGHBOUR}. */
    public static final String FINDINGS_PREFIX = "findings.";
    /** Unreadable input lines (lease or hosts files), newline separated. */
    public static final String PROBLEMS = "problems";

    public static final String KIND = "kind";
    public static final String KEY = "key";
    public static final String SUBJECT = "subject";
    public static final String OBSERVED = "observed";
    public static final String EXPECTED = "expected";
    public static final String OWNER = "owner";
    public static final String SUGGESTION = "suggestion";
    public static final String REMEDIATION = "remediation";
}
