package cn.egov.pki.est;

import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Enrolment and renewal of the box: key pair made here, request signed here, certificate from
 * the provincial CA over EST, everything stored in the {@link BoxKeyStore}. What
 * {@code appliance enrol} and the renewal timer run.
 */
public final class BoxEnrolment {

    private final URI estBase;
    private final BoxKeyStore store;

    public BoxEnrolment(URI estBase, BoxKeyStore store) {
        this.estBase = estBase;
        this.store = store;
    }

    /** First enrolment with the technician's token; trust comes from the confirmed CA certificates. */
    public BoxCredentials enrol(UnitCode unit, String token, List<X509Certificate> trustAnchors)
            throws EstException, GeneralSecurityException, IOException {
        KeyPair keys = BoxKeyStore.newKeyPair();
        X509Certificate cert = new EstClient(estBase, trustAnchors, null)
                .simpleEnroll(CertificateRequests.forUnit(keys, unit), token);
        return store(keys, cert, unit, trustAnchors);
    }

    /** Renewal with a new key, authenticated by the current certificate (simplereenroll). */
    public BoxCredentials renew(BoxCredentials current) throws EstException, GeneralSecurityException, IOException {
        UnitCode unit = unitOf(current.certificate());
        KeyPair keys = BoxKeyStore.newKeyPair();
        X509Certificate cert = new EstClient(estBase, current.trustAnchors(), current)
                .simpleReenroll(CertificateRequests.renewal(keys, current.certificate().getSubjectX500Principal(), unit));
        return store(keys, cert, unit, current.trustAnchors());
    }

    private BoxCredentials store(KeyPair keys, X509Certificate cert, UnitCode unit, List<X509Certificate> trust)
            throws GeneralSecurityException, IOException {
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new GeneralSecurityException("the CA returned a certificate for another key");
        }
        if (!unit.equals(unitOf(cert))) {
            throw new GeneralSecurityException("the CA returned a certificate for unit " + unitOf(cert) + ", not " + unit);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        for (X509Certificate ca : trust) {
            if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                cert.verify(ca.getPublicKey());
                chain.add(ca);
            }
        }
        if (chain.size() == 1) {
            throw new GeneralSecurityException("the certificate's issuer " + cert.getIssuerX500Principal().getName()
                    + " is not one of the provincial CA certificates");
        }
        BoxCredentials creds = new BoxCredentials(keys.getPrivate(), chain, trust);
        store.save(creds);
        return creds;
    }

    /** The unit code from the certificate's SAN URI {@code urn:egov:unit:<unit>}. */
    public static UnitCode unitOf(X509Certificate cert) throws GeneralSecurityException {
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> n : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(6).equals(n.get(0)) && n.get(1).toString().startsWith(CertificateRequests.UNIT_URI_PREFIX)) {
                    return UnitCode.parse(n.get(1).toString().substring(CertificateRequests.UNIT_URI_PREFIX.length()));
                }
            }
        }
        throw new GeneralSecurityException("certificate " + cert.getSubjectX500Principal().getName() + " names no unit (SAN URI "
                + CertificateRequests.UNIT_URI_PREFIX + "...)");
    }
}
