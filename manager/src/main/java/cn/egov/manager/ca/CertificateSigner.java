package cn.egov.manager.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs X.509 certificates: the CA hierarchy and the end-entity profiles. Decides
 * nothing about who may get what ({@link ProvincialCa} does); only how each profile looks.
 */
final class CertificateSigner {

    static final String ECDSA = "SHA256withECDSA";
    static final String SM2 = "SM3withSM2";
    /** Backdating absorbs clock skew between the CA and a box. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    /** RFC 5280 allows 20 octets; 159 random bits keep it positive and within that. */
    private static final int SERIAL_BITS = 159;

    private final SecureRandom random = new SecureRandom();

    BigInteger newSerial() {
        BigInteger s;
        do {
            s = new BigInteger(SERIAL_BITS, random);
        } while (s.signum() == 0);
        return s;
    }

    X509Certificate selfSignedRoot(X500Name subject, java.security.KeyPair keys, Duration lifetime)
            throws GeneralSecurityException {
        return sign(builder(subject, subject, keys.getPublic(), lifetime, newSerial())
                        .ca(null, KeyUsage.keyCertSign | KeyUsage.cRLSign, keys.getPublic(), null),
                keys.getPrivate(), ECDSA);
    }

    X509Certificate subordinateCa(X500Name subject, PublicKey key, CaKeys.CaKey issuer, Duration lifetime, String rootCrlUrl)
            throws GeneralSecurityException {
        return sign(builder(X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), subject, key,
                        lifetime, newSerial()).ca(0, KeyUsage.keyCertSign | KeyUsage.cRLSign, key, issuer.certificate())
                        .crl(rootCrlUrl),
                issuer.key(), ECDSA);
    }

    /**
     * An end-entity certificate.
     *
     * @param dnsNames SAN DNS names, may be empty
     * @param ips      SAN IP addresses, may be empty
     * @param uris     SAN URIs, may be empty
     */
    X509Certificate endEntity(BigInteger serial, CertificateProfile profile, X500Name subject, PublicKey key,
                              CaKeys.CaKey issuer, Duration lifetime, List<String> dnsNames, List<String> ips,
                              List<String> uris, CaSettings settings) throws GeneralSecurityException {
        Parts b = builder(X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), subject, key,
                lifetime, serial);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
        uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
        try {
            b.b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.b.addExtension(Extension.subjectKeyIdentifier, false, b.ext.createSubjectKeyIdentifier(key));
            b.b.addExtension(Extension.authorityKeyIdentifier, false, b.ext.createAuthorityKeyIdentifier(issuer.certificate()));
            if (!names.isEmpty()) {
                b.b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            switch (profile) {
                case BOX -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    // serverAuth only where the box serves TLS under its own (plan-given) names
                    b.b.addExtension(Extension.extendedKeyUsage, false, dnsNames.isEmpty()
                            ? new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                            : new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
                }
                case HUB -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
                }
                case TLS_SERVER -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                }
                case SIGNING_SM2 -> b.b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
                case SIGNING_P256, REPORT_SIGNING -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
                    // an EKU without clientAuth/serverAuth: JSSE and OpenSSL then refuse it in any TLS handshake
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
                }
                case ENCRYPTION_P256 -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyAgreement));
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
                }
                case POLICY_SIGNING -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(
                                    cn.egov.api.policy.PolicySigning.POLICY_SIGNING_EKU))));
                }
                case PORTAL_SIGNING -> {
                    b.b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(
                                    cn.egov.api.portal.PortalSigning.PORTAL_SIGNING_EKU))));
                }
            }
            b.crl(settings.crlUrl());
            b.b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                    new AccessDescription(AccessDescription.id_ad_ocsp,
                            new GeneralName(GeneralName.uniformResourceIdentifier, settings.ocspUrl()))));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot encode certificate extension: " + e.getMessage(), e);
        }
        return sign(b, issuer.key(), profile == CertificateProfile.SIGNING_SM2 ? SM2 : ECDSA);
    }

    private Parts builder(X500Name issuer, X500Name subject, PublicKey key, Duration lifetime, BigInteger serial)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial,
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(lifetime)), subject, key);
        return new Parts(b, new JcaX509ExtensionUtils());
    }

    /** A builder and the extension helper it needs. */
    private record Parts(X509v3CertificateBuilder b, JcaX509ExtensionUtils ext) {
        Parts ca(Integer pathLen, int keyUsage, PublicKey key, X509Certificate issuer) throws GeneralSecurityException {
            try {
                b.addExtension(Extension.basicConstraints, true, pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
                if (issuer != null) {
                    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
                }
            } catch (CertIOException e) {
                throw new GeneralSecurityException(e);
            }
            return this;
        }

        Parts crl(String url) throws GeneralSecurityException {
            if (url == null) {
                return this;
            }
            try {
                GeneralNames gn = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url));
                b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[]{
                        new DistributionPoint(new DistributionPointName(gn), null, null)}));
            } catch (CertIOException e) {
                throw new GeneralSecurityException(e);
            }
            return this;
        }
    }

    static ContentSigner contentSigner(PrivateKey key, String algorithm) throws GeneralSecurityException {
        try {
            return new JcaContentSignerBuilder(algorithm).setProvider(BouncyCastle.PROVIDER).build(key);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + algorithm + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(Parts b, PrivateKey key, String algorithm) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER)
                .getCertificate(b.b.build(contentSigner(key, algorithm)));
    }
}
