package cn.egov.api.policy;

import cn.egov.api.topic.KuraTopic;

/**
 * The fixed names of signed policy distribution, shared by the manager (signer, publisher) and the
 * box (subscriber, verifier).
 *
 * <pre>{@code
 * KuraTopic t = PolicySigning.bundleTopic("hebei", "130602-001");
 * // $EDC/hebei/130602-001/POLICY/PUT/bundle  (retained, QoS 1, written only by the manager)
 * }</pre>
 */
public final class PolicySigning {

    /**
     * Extended key usage of a policy-signing certificate. An OID under the UUID arc (ITU-T X.667,
     * {@code 2.25.<uuid as integer>}) because the province has no registered arc of its own; no
     * other certificate of the provincial CA carries it, so a box or TLS certificate cannot sign policy.
     */
    public static final String POLICY_SIGNING_EKU = "2.25.3692647621870417704934382508997166376";
    /** The only signature algorithm accepted: ECDSA on P-256 with SHA-256. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Kura application id of policy distribution. */
    public static final String APP_ID = "POLICY";
    /** Resource under the box's control namespace: a Kura {@code PUT} request, kept retained by the broker. */
    public static final String BUNDLE_RESOURCE = "PUT/bundle";
    /** The box's report of signed bundles: {@code <account>/<client-id>/ISOLATION/bundle}. */
    public static final String REPORT_RESOURCE = "bundle";
    /** Metric: serial of the bundle in force (report) or of the bundle concerned (alarm). */
    public static final String METRIC_SERIAL = "bundle_serial";
    /** Metric: policy version of the bundle in force. */
    public static final String METRIC_VERSION = "bundle_version";
    /** Metric: ACCEPTED or REJECTED, the outcome of the last bundle received. */
    public static final String METRIC_OUTCOME = "bundle_outcome";
    /** Metric: serial of the last bundle received (accepted or not). */
    public static final String METRIC_LAST_SERIAL = "bundle_last_serial";
    /** Metric: the check that refused the last bundle (see {@link PolicyBundleException.Check#label()}), or "". */
    public static final String METRIC_REJECTED_CHECK = "bundle_rejected_check";
    /** Metric: why the last bundle was refused, or "". */
    public static final String METRIC_REJECTED_REASON = "bundle_rejected_reason";

    private PolicySigning() {
    }

    /** The topic a unit's bundle is published on: {@code $EDC/<account>/<unit>/POLICY/PUT/bundle}. */
    public static KuraTopic bundleTopic(String account, String unit) {
        return KuraTopic.control(account, unit, APP_ID, BUNDLE_RESOURCE);
    }
}
