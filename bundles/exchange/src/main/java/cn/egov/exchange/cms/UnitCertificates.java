package cn.egov.exchange.cms;

import cn.egov.rules.unit.UnitCode;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a unit's exchange certificates must be. The unit a certificate speaks for is in its subject
 * alternative name as {@code urn:egov:unit:<unit code>} (as in box certificates). A signing
 * certificate has key usage nonRepudiation (a box's TLS certificate cannot sign documents); an
 * encryption certificate has keyAgreement and a P-256 key.
 */
public final class UnitCertificates {

    public static final String UNIT_URI_PREFIX = "urn:egov:unit:";
    private static final int URI = 6;
    private static final int KU_NON_REPUDIATION = 1;
    private static final int KU_KEY_AGREEMENT = 4;

    private UnitCertificates() {
    }

    /** The unit named in the certificate, if exactly one. */
    public static Optional<UnitCode> unitOf(X509Certificate cert) {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        List<String> units = names.stream().filter(n -> ((Integer) n.get(0)) == URI).map(n -> (String) n.get(1))
                .filter(u -> u.startsWith(UNIT_URI_PREFIX)).map(u -> u.substring(UNIT_URI_PREFIX.length())).toList();
        if (units.size() != 1 || !UnitCode.isValid(units.get(0))) {
            return Optional.empty();
        }
        return Optional.of(UnitCode.parse(units.get(0)));
    }

    public static boolean canSign(X509Certificate cert) {
        boolean[] ku = cert.getKeyUsage();
        return ku != null && ku.length > KU_NON_REPUDIATION && ku[KU_NON_REPUDIATION];
    }

    /** Null when {@code cert} can receive documents for {@code unit}, else why not. */
    public static String encryptionProblem(X509Certificate cert, UnitCode unit) {
        boolean[] ku = cert.getKeyUsage();
        if (ku == null || ku.length <= KU_KEY_AGREEMENT || !ku[KU_KEY_AGREEMENT]) {
            return "its key usage lacks keyAgreement";
        }
        if (!(cert.getPublicKey() instanceof ECPublicKey ec) || SigningKey.isSm2(cert)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            return "its key is not ECDSA P-256";
        }
        Optional<UnitCode> named = unitOf(cert);
        if (named.isEmpty() || !named.get().equals(unit)) {
            return "it names unit " + named.map(UnitCode::toString).orElse("(none)") + ", not " + unit;
        }
        return null;
    }
}
