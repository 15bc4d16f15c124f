package cn.egov.manager.ca;

import cn.egov.api.text.LogSafe;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a PKCS#10 request before anything is stored: size, encoding, proof of possession
 * (its own signature), key type (ECDSA P-256 for boxes) and that the names it asks for are the
 * unit's. Every refusal says what was wrong, in terms a technician can act on.
 */
final class CsrValidator {

    /** A P-256 CSR with the names we use is ~400 bytes; anything this large is not one of ours. */
    static final int MAX_CSR_BYTES = 8 * 1024;
    static final String UNIT_URI_PREFIX = "urn:egov:unit:";

    private CsrValidator() {
    }

    /** Parses and checks the signature; does not look at names. */
    static PKCS10CertificationRequest parse(byte[] der) throws EnrolmentException {
        if (der == null || der.length == 0) {
            throw EnrolmentException.badRequest("CSR is empty");
        }
        if (der.length > MAX_CSR_BYTES) {
            throw new EnrolmentException(413, "CSR is " + der.length + " bytes; the limit is " + MAX_CSR_BYTES);
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw EnrolmentException.badRequest("CSR is not a DER-encoded PKCS#10 request (" + der.length + " bytes that do not parse: "
                    + LogSafe.of(e.getMessage()) + ")");
        }
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.PROVIDER)
                    .build(csr.getSubjectPublicKeyInfo()))) {
                boolean sm2 = org.bouncycastle.asn1.gm.GMObjectIdentifiers.sm2p256v1.equals(csr.getSubjectPublicKeyInfo().getAlgorithm().getParameters());
                throw EnrolmentException.badRequest("CSR signature does not verify with its own public key (no proof of possession)"
                        + (sm2 ? "; an SM2 request must be signed with the default SM2 user id: openssl req -sm3 -sigopt distid:1234567812345678" : ""));
            }
        } catch (PKCSException | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            throw EnrolmentException.badRequest("CSR signature cannot be checked: " + e.getMessage());
        }
        return csr;
    }

    /** The box profile: P-256 key, CN = unit code, requested SAN (if any) only the unit's own names. */
    static void checkBoxRequest(PKCS10CertificationRequest csr, UnitCode unit, String domain) throws EnrolmentException {
        AlgorithmIdentifier alg = csr.getSubjectPublicKeyInfo().getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())
                || !X9ObjectIdentifiers.prime256v1.equals(alg.getParameters())) {
            throw EnrolmentException.badRequest("CSR key must be ECDSA P-256 (prime256v1); got " + describe(alg));
        }
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            throw EnrolmentException.badRequest("CSR subject has " + (cns.length == 0 ? "no CN" : cns.length + " CN attributes")
                    + "; a box's CSR names its unit in exactly one: CN=" + unit);
        }
        String cn = commonName(csr.getSubject());
        if (!unit.toString().equals(cn)) {
            throw EnrolmentException.forbidden("CSR subject CN '" + LogSafe.of(cn) + "' does not match the unit " + unit
                    + " this enrolment is for");
        }
        for (GeneralName n : requestedNames(csr)) {
            String value = n.getName().toString();
            boolean ok = switch (n.getTagNo()) {
                case GeneralName.uniformResourceIdentifier -> value.equals(UNIT_URI_PREFIX + unit);
                case GeneralName.dNSName -> value.equalsIgnoreCase(domain);
                default -> false;
            };
            if (!ok) {
                throw EnrolmentException.forbidden("CSR asks for subject alternative name '" + value
                        + "', which is not unit " + unit + "'s (allowed: " + UNIT_URI_PREFIX + unit
                        + (domain == null ? "" : ", DNS " + domain) + ")");
            }
        }
    }

    static String commonName(X500Name name) {
        RDN[] cns = name.getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }

    private static List<GeneralName> requestedNames(PKCS10CertificationRequest csr) throws EnrolmentException {
        List<GeneralName> out = new ArrayList<>();
        try {
            for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                Extensions ext = Extensions.getInstance(a.getAttrValues().getObjectAt(0));
                GeneralNames gn = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
                if (gn != null) {
                    out.addAll(List.of(gn.getNames()));
                }
            }
        } catch (RuntimeException e) {
            throw EnrolmentException.badRequest("CSR extension request is malformed: " + e.getMessage());
        }
        return out;
    }

    private static String describe(AlgorithmIdentifier alg) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        return oid + (alg.getParameters() == null ? "" : " " + alg.getParameters());
    }
}
