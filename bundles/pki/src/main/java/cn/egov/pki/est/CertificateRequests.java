package cn.egov.pki.est;

import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 requests as the provincial CA expects them: subject CN = unit code (first
 * enrolment) or the current certificate's subject (re-enrolment, RFC 7030 §4.2.2), and the
 * unit URI {@code urn:egov:unit:<unit>} requested in the SAN. Signed by the key made on the box.
 */
public final class CertificateRequests {

    public static final String UNIT_URI_PREFIX = "urn:egov:unit:";

    private CertificateRequests() {
    }

    /** DER of a request for the first enrolment of {@code unit}. */
    public static byte[] forUnit(KeyPair keys, UnitCode unit) throws GeneralSecurityException {
        return build(keys, new X500Name("CN=" + unit), unit);
    }

    /** DER of a re-enrolment request keeping the current subject. */
    public static byte[] renewal(KeyPair keys, X500Principal currentSubject, UnitCode unit) throws GeneralSecurityException {
        return build(keys, X500Name.getInstance(currentSubject.getEncoded()), unit);
    }

    private static byte[] build(KeyPair keys, X500Name subject, UnitCode unit) throws GeneralSecurityException {
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, UNIT_URI_PREFIX + unit)));
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the certificate request: " + e.getMessage(), e);
        }
    }
}
