package cn.egov.api.policy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed policy as it travels (MQTT payload, file): the manifest's exact bytes, the ECDSA
 * signature over them and the signer's certificate chain (signer first, then its issuing CA; the
 * root is not sent: the box has its own).
 *
 * <p>Envelope: canonical JSON, ASCII:
 * <pre>{@code
 * {"chain":["<base64 DER signer>","<base64 DER issuing CA>"],"format":"egov-signed-policy/1",
 *  "manifest":"<base64 manifest bytes>","signature":"<base64 DER ECDSA>","signature_algorithm":"SHA256withECDSA"}
 * }</pre>
 *
 * <pre>{@code
 * SignedPolicyBundle b = SignedPolicyBundle.sign(manifest, signerKey, List.of(signerCert, issuingCa));
 * byte[] wire = b.encode();
 * SignedPolicyBundle back = SignedPolicyBundle.decode(wire);   // FORMAT errors only; verify separately
 * PolicyManifest m = verifier.verify(back, unit, serialInForce);
 * }</pre>
 *
 * @param manifest  the manifest bytes exactly as signed
 * @param signature DER-encoded ECDSA signature
 * @param chain     signer certificate first, then intermediates
 */
public record SignedPolicyBundle(byte[] manifest, byte[] signature, List<X509Certificate> chain) {

    /** The envelope format this code writes and reads. */
    public static final String FORMAT = "egov-signed-policy/1";
    /** Largest envelope accepted (a policy of 10,000 prefixes is well under 1 MiB). */
    public static final int MAX_BYTES = 8 * 1024 * 1024;
    /** Most certificates in a chain. */
    private static final int MAX_CHAIN = 4;

    public SignedPolicyBundle {
        manifest = manifest.clone();
        signature = signature.clone();
        chain = List.copyOf(chain);
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Signs a manifest with the policy-signing key; {@code chain} is the signer's certificate then its CA. */
    public static SignedPolicyBundle sign(PolicyManifest manifest, PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException {
        byte[] bytes = manifest.toBytes();
        Signature s = Signature.getInstance(PolicySigning.SIGNATURE_ALGORITHM);
        s.initSign(key);
        s.update(bytes);
        return new SignedPolicyBundle(bytes, s.sign(), chain);
    }

    /** The envelope bytes. */
    public byte[] encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        List<Object> certs = new ArrayList<>();
        for (X509Certificate c : chain) {
            try {
                certs.add(b64.encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("manifest", b64.encodeToString(manifest));
        m.put("signature", b64.encodeToString(signature));
        m.put("signature_algorithm", PolicySigning.SIGNATURE_ALGORITHM);
        m.put("chain", certs);
        return JsonText.write(m).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads an envelope; every malformation is a {@link PolicyBundleException.Check#FORMAT} error naming the field. */
    public static SignedPolicyBundle decode(byte[] bytes) throws PolicyBundleException {
        if (bytes == null || bytes.length == 0) {
            throw PolicyManifest.format("signed policy bundle is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw PolicyManifest.format("signed policy bundle has " + bytes.length + " bytes, more than the limit of " + MAX_BYTES);
        }
        Map<String, Object> m = PolicyManifest.object(PolicyManifest.json(bytes, "signed policy bundle"), "signed policy bundle");
        String format = field(m, "format");
        if (!FORMAT.equals(format)) {
            throw PolicyManifest.format("bundle field 'format' is '" + format + "', this box reads " + FORMAT);
        }
        String alg = field(m, "signature_algorithm");
        if (!PolicySigning.SIGNATURE_ALGORITHM.equals(alg)) {
            throw PolicyManifest.format("bundle field 'signature_algorithm' is '" + alg + "'; only " + PolicySigning.SIGNATURE_ALGORITHM + " is accepted");
        }
        byte[] manifest = base64(m, "manifest");
        byte[] signature = base64(m, "signature");
        if (!(m.get("chain") instanceof List<?> certs) || certs.isEmpty() || certs.size() > MAX_CHAIN) {
            throw PolicyManifest.format("bundle field 'chain' must list 1 to " + MAX_CHAIN + " certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certs.size(); i++) {
                if (!(certs.get(i) instanceof String s)) {
                    throw PolicyManifest.format("bundle field 'chain[" + i + "]' is not a string");
                }
                byte[] der;
                try {
                    der = Base64.getDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    throw PolicyManifest.format("bundle field 'chain[" + i + "]' is not base64");
                }
                try {
                    chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
                } catch (CertificateException e) {
                    throw PolicyManifest.format("bundle field 'chain[" + i + "]' is not an X.509 certificate: " + e.getMessage());
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 missing from the JDK", e);
        }
        return new SignedPolicyBundle(manifest, signature, chain);
    }

    private static String field(Map<String, Object> m, String name) throws PolicyBundleException {
        if (!(m.get(name) instanceof String s)) {
            throw PolicyManifest.format("bundle field '" + name + "' is missing or not a string");
        }
        return s;
    }

    private static byte[] base64(Map<String, Object> m, String name) throws PolicyBundleException {
        try {
            return Base64.getDecoder().decode(field(m, name));
        } catch (IllegalArgumentException e) {
            throw PolicyManifest.format("bundle field '" + name + "' is not base64: " + e.getMessage());
        }
    }

    /** SHA-256 of the envelope, hex: how the manager and the box name one bundle. */
    public String sha256() {
        return PolicyFile.sha256(encode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedPolicyBundle b && Arrays.equals(b.manifest, manifest) && Arrays.equals(b.signature, signature)
                && b.chain.equals(chain);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(manifest) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignedPolicyBundle[" + manifest.length + " byte manifest, signer "
                + (chain.isEmpty() ? "?" : chain.get(0).getSubjectX500Principal().getName()) + "]";
    }
}
