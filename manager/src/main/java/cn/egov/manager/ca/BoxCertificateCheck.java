package cn.egov.manager.ca;

import cn.egov.manager.broker.ClientCredentials;
import cn.egov.manager.broker.Verdict;
import cn.egov.rules.unit.UnitCode;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Who the TLS client of a {@link BoxHttpsServer} is: the same check as the broker's
 * ({@link CertificateClientAuthenticator}): a box certificate of the provincial issuing CA, valid, not revoked (asked
 * of the CA's register at every request, so a revocation takes effect at once), naming its unit in CN and SAN URI.
 * The certificate claims the identity its CN names; the unit is then the only identity the box has on that server.
 */
public final class BoxCertificateCheck {

    private final CertificateClientAuthenticator authenticator;

    public BoxCertificateCheck(ProvincialCa ca) {
        this.authenticator = new CertificateClientAuthenticator(ca);
    }

    /** The outcome: the unit, or why the client is refused. */
    public record Result(UnitCode unit, String refusal) {
        public boolean ok() {
            return unit != null;
        }
    }

    /** The box behind {@code request}'s TLS connection. */
    public Result check(Request request) {
        Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        return check(ssl instanceof EndPoint.SslSessionData d ? d.peerCertificates() : null);
    }

    public Result check(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return new Result(null, "no TLS client certificate");
        }
        String claimed = CsrValidator.commonName(X500Name.getInstance(chain[0].getSubjectX500Principal().getEncoded()));
        Verdict v = authenticator.authenticate(new ClientCredentials(claimed, null, null, List.of(chain)));
        if (v instanceof Verdict.Accepted a) {
            return new Result(UnitCode.parse(a.identity().name()), null);
        }
        return new Result(null, ((Verdict.Refused) v).detail());
    }
}
