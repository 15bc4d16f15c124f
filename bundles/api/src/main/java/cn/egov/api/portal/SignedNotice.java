package cn.egov.api.portal;

import cn.egov.api.portal.SnapshotException.Check;
import cn.egov.api.signing.SignerCheck;
import cn.egov.rules.unit.UnitCode;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An {@link EmergencyNotice} signed by the box with its unit certificate (envelope format
 * {@value #FORMAT}, chain: the box certificate, then the issuing CA). The manager accepts it only
 * when the signer is a box certificate of the provincial CA for the very unit that sent it.
 *
 * <pre>{@code
 * SignedNotice n = SignedNotice.sign(notice, boxKey, boxChain);        // on the box
 * EmergencyNotice ok = SignedNotice.decode(wire).verify(roots, UnitCode.parse(clientId), now);   // at the manager
 * }</pre>
 *
 * @param notice the notice
 * @param signed its canonical bytes, exactly as signed
 * @param signature DER ECDSA
 * @param chain  box certificate first
 */
public record SignedNotice(EmergencyNotice notice, byte[] signed, byte[] signature, List<X509Certificate> chain) {

    public static final String FORMAT = "egov-signed-notice/1";
    public static final int MAX_BYTES = 256 * 1024;
    /** A box certificate's extended key usage (TLS client authentication). */
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** SAN URI of a box certificate: {@code urn:egov:unit:<unit code>}. */
    static final String UNIT_URI_PREFIX = "urn:egov:unit:";
    private static final int SAN_URI = 6;

    public SignedNotice {
        signed = signed.clone();
        signature = signature.clone();
        chain = List.copyOf(chain);
    }

    public static SignedNotice sign(EmergencyNotice notice, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        Envelope e = Envelope.sign(notice.toBytes(), key, chain);
        return new SignedNotice(notice, e.signed(), e.signature(), e.chain());
    }

    public byte[] encode() {
        return new Envelope(signed, signature, chain).encode(FORMAT);
    }

    public static SignedNotice decode(byte[] bytes) throws SnapshotException {
        Envelope e = Envelope.decode(bytes, FORMAT, MAX_BYTES, "signed notice");
        return new SignedNotice(EmergencyNotice.parse(e.signed()), e.signed(), e.signature(), e.chain());
    }

    /**
     * Checks that a box certificate of {@code sender} (chained to a trusted root at {@code now})
     * signed exactly these bytes, and that the notice names that unit. Revocation is the caller's.
     */
    public EmergencyNotice verify(Collection<X509Certificate> roots, UnitCode sender, Instant now) throws SnapshotException {
        X509Certificate signer = chain.get(0);
        try {
            new SignerCheck(roots, "a notice").chain(chain, now);
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.CHAIN, e.getMessage(), e.getCause());
        }
        try {
            SignerCheck.profile(signer, CLIENT_AUTH, "box certificate", "box");
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.SIGNER_PROFILE, e.getMessage(), e.getCause());
        }
        String certUnit = unitOf(signer).orElse("");
        if (!certUnit.equals(sender.toString()) || !notice.unit().equals(certUnit)) {
            throw new SnapshotException(Check.SIGNER_PROFILE, "notice " + notice.id() + " names unit " + notice.unit() + ", came from "
                    + sender + ", signed by the certificate of unit '" + certUnit + "': a box speaks only for itself");
        }
        try {
            SignerCheck.signature(PortalSigning.SIGNATURE_ALGORITHM, signer, signed, signature, "notice " + notice.id());
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.SIGNATURE, e.getMessage());
        }
        return notice;
    }

    /** The unit a box certificate is for: its SAN URI {@code urn:egov:unit:<unit>}. */
    public static Optional<String> unitOf(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    if (n.size() == 2 && Integer.valueOf(SAN_URI).equals(n.get(0)) && n.get(1) instanceof String s
                            && s.startsWith(UNIT_URI_PREFIX)) {
                        return Optional.of(s.substring(UNIT_URI_PREFIX.length()));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public String sha256() {
        return Envelope.sha256(encode());
    }
}
