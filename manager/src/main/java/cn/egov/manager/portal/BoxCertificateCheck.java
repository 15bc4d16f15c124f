package cn.egov.manager.portal;

import cn.egov.api.portal.SignedNotice;
import cn.egov.manager.ca.CertificateStatus;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Who a TLS client of the content server is: a box certificate of the provincial issuing CA,
 * valid, not revoked (asked of the CA's register at every request, so a revocation takes effect at
 * once), naming its unit in CN and SAN URI. The unit is then the only identity the box has here.
 * (Also the update part's download server.)
 */
public final class BoxCertificateCheck {

    private final ProvincialCa ca;

    public BoxCertificateCheck(ProvincialCa ca) {
        this.ca = ca;
    }

    /** The outcome: the unit, or why the client is refused. */
    public record Result(UnitCode unit, String refusal) {
        public boolean ok() {
            return unit != null;
        }
    }

    public Result check(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return new Result(null, "no TLS client certificate");
        }
        X509Certificate leaf = chain[0];
        try {
            leaf.verify(ca.issuingCertificate().getPublicKey());
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return new Result(null, "certificate " + leaf.getSubjectX500Principal().getName()
                    + " is not a valid certificate of the provincial issuing CA (" + e.getMessage() + ")");
        }
        CertificateStatus status;
        try {
            status = ca.status(leaf.getSerialNumber());
        } catch (GeneralSecurityException e) {
            return new Result(null, "revocation status unavailable: " + e.getMessage());
        }
        if (status.state() != CertificateStatus.State.GOOD) {
            return new Result(null, "certificate " + leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + " is " + status.state());
        }
        String unit = SignedNotice.unitOf(leaf).orElse("");
        String cn = leaf.getSubjectX500Principal().getName().replaceAll(".*CN=([^,]+).*", "$1");
        if (!UnitCode.isValid(unit) || !unit.equals(cn)) {
            return new Result(null, "certificate " + leaf.getSubjectX500Principal().getName() + " is not a box certificate (no unit in CN and SAN URI)");
        }
        return new Result(UnitCode.parse(unit), null);
    }
}
