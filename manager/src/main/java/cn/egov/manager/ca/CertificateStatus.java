package cn.egov.manager.ca;

import java.time.Instant;

/**
 * What the CA's database says about one serial number, as OCSP and the broker ask it.
 *
 * @param state      GOOD, REVOKED or UNKNOWN (never issued here)
 * @param revokedAt  when it was revoked, or null
 * @param reason     why, or null
 */
public record CertificateStatus(State state, Instant revokedAt, RevocationReason reason) {
    public enum State { GOOD, REVOKED, UNKNOWN }

    public static final CertificateStatus GOOD = new CertificateStatus(State.GOOD, null, null);
    public static final CertificateStatus UNKNOWN = new CertificateStatus(State.UNKNOWN, null, null);
}
