package cn.egov.api.portal;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * A signed site snapshot as it travels and as the box keeps it: the manifest's exact bytes, the
 * ECDSA signature over them and the signer's chain (portal signer, then the issuing CA).
 * Envelope format {@value #FORMAT}, canonical JSON (see {@code SignedPolicyBundle}, the same layout).
 *
 * <pre>{@code
 * SignedSnapshot s = SignedSnapshot.sign(manifest, portalKey, List.of(signerCert, issuingCa));
 * byte[] wire = s.encode();
 * SignedSnapshot back = SignedSnapshot.decode(wire);          // FORMAT errors only
 * PortalManifest m = verifier.verify(back, unit, versionInForce, maxFileBytes);
 * }</pre>
 *
 * @param manifest  the manifest bytes exactly as signed
 * @param signature DER-encoded ECDSA signature
 * @param chain     signer first, then intermediates
 */
public record SignedSnapshot(byte[] manifest, byte[] signature, List<X509Certificate> chain) {

    /** The envelope format this code writes and reads. */
    public static final String FORMAT = "egov-signed-portal/1";
    /** Largest envelope accepted (100,000 files take about 20 MiB). */
    public static final int MAX_BYTES = 48 * 1024 * 1024;

    public SignedSnapshot {
        Envelope e = new Envelope(manifest, signature, chain);
        manifest = e.signed();
        signature = e.signature();
        chain = e.chain();
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public X509Certificate signer() {
        return chain.get(0);
    }

    /** Signs a manifest with the portal-signing key; {@code chain} is the signer's certificate then its CA. */
    public static SignedSnapshot sign(PortalManifest manifest, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        Envelope e = Envelope.sign(manifest.toBytes(), key, chain);
        return new SignedSnapshot(e.signed(), e.signature(), e.chain());
    }

    public byte[] encode() {
        return new Envelope(manifest, signature, chain).encode(FORMAT);
    }

    /** Reads an envelope; every malformation is a {@link SnapshotException.Check#FORMAT} error naming the field. */
    public static SignedSnapshot decode(byte[] bytes) throws SnapshotException {
        Envelope e = Envelope.decode(bytes, FORMAT, MAX_BYTES, "signed snapshot");
        return new SignedSnapshot(e.signed(), e.signature(), e.chain());
    }

    /** SHA-256 of the envelope, hex: how the manager and the box name one snapshot. */
    public String sha256() {
        return Envelope.sha256(encode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedSnapshot s && Arrays.equals(s.manifest, manifest) && Arrays.equals(s.signature, signature)
                && s.chain.equals(chain);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(manifest) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignedSnapshot[" + manifest.length + " byte manifest, signer " + chain.get(0).getSubjectX500Principal().getName() + "]";
    }
}
