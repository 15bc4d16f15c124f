package cn.egov.pki.check;

import cn.egov.api.payload.KuraPayload;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The box certificate's state as telemetry reports it on {@code <account>/<client-id>/PKI/certificate}
 * (metrics {@code serial} hex, {@code subject}, {@code issuer}, {@code not_before}, {@code not_after}
 * and {@code renew_at} in epoch ms, {@code enrolled}).
 */
public record CertificateState(boolean enrolled, BigInteger serial, String subject, String issuer,
                               Instant notBefore, Instant notAfter, Instant renewAt) {

    public static final String APP_ID = "PKI";
    public static final String RESOURCE = "certificate";

    public static CertificateState of(X509Certificate cert, RenewalPolicy policy) {
        return new CertificateState(true, cert.getSerialNumber(), cert.getSubjectX500Principal().getName(),
                cert.getIssuerX500Principal().getName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                policy.renewAt(cert));
    }

    public static CertificateState notEnrolled() {
        return new CertificateState(false, null, null, null, null, null, null);
    }

    public KuraPayload toPayload(Instant now) {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(now.toEpochMilli()).metric("enrolled", enrolled);
        if (enrolled) {
            b.metric("serial", serial.toString(16).toUpperCase(java.util.Locale.ROOT))
                    .metric("subject", subject)
                    .metric("issuer", issuer)
                    .metric("not_before", notBefore.toEpochMilli())
                    .metric("not_after", notAfter.toEpochMilli())
                    .metric("renew_at", renewAt.toEpochMilli());
        }
        return b.build();
    }
}
