package cn.egov.exchange.cms;

import cn.egov.rules.unit.UnitCode;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a unit's exchange certificates must be, as the provincial CA issues them (manager
 * {@code ProvincialCa}: {@code manager ca issue-signing}, and EST enrolment with the labels
 * {@code document-signing} / {@code document-encryption}): the subject is
 * {@code CN=<unit code>, OU=document-signing} or {@code OU=document-encryption}. A signing
 * certificate has key usage nonRepudiation (a box's TLS certificate, {@code OU=<county>}, cannot
 * sign documents); an encryption certificate has keyAgreement and a P-256 key.
 */
public final class UnitCertificates {

    /** The OU of a unit's document-signing certificate. */
    public static final String SIGNING_OU = "document-signing";
    /** The OU of a unit's document-encryption certificate. */
    public static final String ENCRYPTION_OU = "document-encryption";
    private static final int KU_NON_REPUDIATION = 1;
    private static final int KU_KEY_AGREEMENT = 4;

    private UnitCertificates() {
    }

    /** The unit a certificate of the given purpose ({@link #SIGNING_OU}, {@link #ENCRYPTION_OU}) speaks for: its one CN, a unit code. */
    public static Optional<UnitCode> unitOf(X509Certificate cert, String purpose) {
        List<String> cn = new ArrayList<>();
        List<String> ou = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn.add(String.valueOf(rdn.getValue()));
                } else if (rdn.getType().equalsIgnoreCase("OU")) {
                    ou.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        if (cn.size() != 1 || !ou.equals(List.of(purpose)) || !UnitCode.isValid(cn.get(0))) {
            return Optional.empty();
        }
        return Optional.of(UnitCode.parse(cn.get(0)));
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
        Optional<UnitCode> named = unitOf(cert, ENCRYPTION_OU);
        if (named.isEmpty() || !named.get().equals(unit)) {
            return "it names unit " + named.map(UnitCode::toString).orElse("(none: subject must be CN=<unit>, OU=" + ENCRYPTION_OU + ")")
                    + ", not " + unit;
        }
        return null;
    }
}
