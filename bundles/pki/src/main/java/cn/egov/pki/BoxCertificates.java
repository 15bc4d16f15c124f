package cn.egov.pki;

import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.store.BoxCredentials;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * OSGi service of the PKI bundle: the box's current credentials (for the tunnel and MQTT) and a
 * revocation check of a peer's certificate against the provincial CA.
 */
public interface BoxCertificates {

    /** The current key and certificate chain, empty until the box has enrolled. */
    Optional<BoxCredentials> current();

    /** OCSP, else CRL, of a peer certificate issued by one of the provincial CAs; UNKNOWN means fail closed. */
    RevocationChecker.Result checkPeer(X509Certificate peer);
}
