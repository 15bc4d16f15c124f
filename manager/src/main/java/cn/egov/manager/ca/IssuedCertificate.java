package cn.egov.manager.ca;

import java.math.BigInteger;
import java.time.Instant;

/**
 * One row of the CA's register of issued certificates.
 *
 * @param serial    serial number
 * @param profile   what it was issued for
 * @param unit      unit code (CCCCCC-DDD) for box and unit document-signing certificates, else null
 * @param domain    the unit domain or hub name written into the SAN, may be null
 * @param subject   RFC 4514 subject
 * @param notBefore start of validity
 * @param notAfter  end of validity
 * @param revokedAt null while not revoked
 * @param reason    null while not revoked
 * @param der       the certificate, DER
 */
public record IssuedCertificate(BigInteger serial, CertificateProfile profile, String unit, String domain,
                                String subject, Instant notBefore, Instant notAfter, Instant revokedAt,
                                RevocationReason reason, byte[] der) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
