package cn.egov.api.portal;

import cn.egov.api.signing.SignerCheck;
import cn.egov.api.topic.KuraTopic;

/**
 * The fixed names of portal mirroring, shared by the manager (publisher, content server) and the
 * box (mirror, server).
 *
 * <pre>{@code
 * KuraTopic t = PortalSigning.indexTopic("hebei", "130602-001");
 * // $EDC/hebei/130602-001/PORTAL/PUT/index  (retained, QoS 1, written only by the manager)
 * }</pre>
 *
 * <p>The box fetches over HTTPS from the manager's portal content server, authenticated by its
 * own certificate (mutual TLS): {@link #INDEX_PATH}, {@link #SNAPSHOT_PATH}{@code <site>},
 * {@link #BLOB_PATH}{@code <sha256>}.
 */
public final class PortalSigning {

    /**
     * Extended key usage of a portal-signing certificate: an OID under the UUID arc (ITU-T X.667,
     * {@code 2.25.<uuid as integer>}), like the policy signer's, and a different one, so that
     * neither key can sign for the other and no box or TLS certificate can sign a snapshot.
     */
    public static final String PORTAL_SIGNING_EKU = "2.25.90834662870974319009448940053119748751";
    /** The only signature algorithm accepted: ECDSA on P-256 with SHA-256. */
    public static final String SIGNATURE_ALGORITHM = SignerCheck.ECDSA_SHA256;
    /** Kura application id of portal mirroring (control topics, telemetry, alarms). */
    public static final String APP_ID = "PORTAL";
    /** Control resource: which sites this unit mirrors and their newest versions ({@link PortalIndex}), retained. */
    public static final String INDEX_RESOURCE = "PUT/index";

    /** Content server: GET, this unit's {@link PortalIndex}. */
    public static final String INDEX_PATH = "/portal/v1/index";
    /** Content server: GET {@code <prefix><site>} the newest {@link SignedSnapshot}, {@code ?version=N} an older one. */
    public static final String SNAPSHOT_PATH = "/portal/v1/snapshots/";
    /** Content server: GET {@code <prefix><sha256>} one file's bytes, only when a snapshot this unit mirrors lists it. */
    public static final String BLOB_PATH = "/portal/v1/blobs/";

    private PortalSigning() {
    }

    /** The topic a unit's index is published on: {@code $EDC/<account>/<unit>/PORTAL/PUT/index}. */
    public static KuraTopic indexTopic(String account, String unit) {
        return KuraTopic.control(account, unit, APP_ID, INDEX_RESOURCE);
    }
}
