package cn.egov.manager.ca;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.CRLReason;

/** RFC 5280 §5.3.1 reason codes the CA accepts, named as the RFC names them. */
public enum RevocationReason {
    unspecified(CRLReason.unspecified),
    keyCompromise(CRLReason.keyCompromise),
    affiliationChanged(CRLReason.affiliationChanged),
    superseded(CRLReason.superseded),
    cessationOfOperation(CRLReason.cessationOfOperation),
    certificateHold(CRLReason.certificateHold);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RevocationReason fromCode(int code) {
        return Arrays.stream(values()).filter(r -> r.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown CRL reason code " + code));
    }

    /** Parses a reason by name; the error lists the accepted names. */
    public static RevocationReason parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("revocation reason '" + name + "' is not one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }
}
