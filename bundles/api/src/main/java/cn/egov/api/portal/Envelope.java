package cn.egov.api.portal;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed bytes as they travel: canonical JSON {@code {"chain":[base64 DER...],"format":F,
 * "manifest":base64,"signature":base64 DER ECDSA,"signature_algorithm":"SHA256withECDSA"}}, the
 * same layout as a signed policy bundle under another format name. Decoding checks the form only;
 * the verifiers check chain, signer and signature.
 *
 * @param signed    the exact bytes that were signed
 * @param signature DER ECDSA signature
 * @param chain     signer first, then its CA (the root is not sent: the box has its own)
 */
record Envelope(byte[] signed, byte[] signature, List<X509Certificate> chain) {

    private static final int MAX_CHAIN = 4;

    Envelope {
        signed = signed.clone();
        signature = signature.clone();
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signed envelope needs the signer's certificate");
        }
    }

    static Envelope sign(byte[] bytes, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        Signature s = Signature.getInstance(PortalSigning.SIGNATURE_ALGORITHM);
        s.initSign(key);
        s.update(bytes);
        return new Envelope(bytes, s.sign(), chain);
    }

    byte[] encode(String format) {
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
        m.put("format", format);
        m.put("manifest", b64.encodeToString(signed));
        m.put("signature", b64.encodeToString(signature));
        m.put("signature_algorithm", PortalSigning.SIGNATURE_ALGORITHM);
        m.put("chain", certs);
        return Canonical.bytes(m);
    }

    /** Every malformation is a FORMAT error naming the field ({@code what} names the envelope kind). */
    static Envelope decode(byte[] bytes, String format, int maxBytes, String what) throws SnapshotException {
        if (bytes == null || bytes.length == 0) {
            throw JsonFields.format(what + " is empty");
        }
        if (bytes.length > maxBytes) {
            throw JsonFields.format(what + " has " + bytes.length + " bytes, more than the limit of " + maxBytes);
        }
        Map<String, Object> m = JsonFields.object(JsonFields.parse(bytes, what), what);
        String f = JsonFields.text(m, "format", what);
        if (!format.equals(f)) {
            throw JsonFields.format(what + " field 'format' is '" + f + "', this box reads " + format);
        }
        String alg = JsonFields.text(m, "signature_algorithm", what);
        if (!PortalSigning.SIGNATURE_ALGORITHM.equals(alg)) {
            throw JsonFields.format(what + " field 'signature_algorithm' is '" + alg + "'; only " + PortalSigning.SIGNATURE_ALGORITHM
                    + " is accepted");
        }
        byte[] signed = base64(m, "manifest", what);
        byte[] signature = base64(m, "signature", what);
        List<?> certs = JsonFields.list(m, "chain", what);
        if (certs.isEmpty() || certs.size() > MAX_CHAIN) {
            throw JsonFields.format(what + " field 'chain' must list 1 to " + MAX_CHAIN + " certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 missing from the JDK", e);
        }
        for (int i = 0; i < certs.size(); i++) {
            if (!(certs.get(i) instanceof String s)) {
                throw JsonFields.format(what + " field 'chain[" + i + "]' is not a string");
            }
            try {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(s))));
            } catch (IllegalArgumentException | CertificateException e) {
                throw JsonFields.format(what + " field 'chain[" + i + "]' is not a base64 X.509 certificate: " + e.getMessage());
            }
        }
        return new Envelope(signed, signature, chain);
    }

    private static byte[] base64(Map<String, Object> m, String field, String what) throws SnapshotException {
        try {
            return Base64.getDecoder().decode(JsonFields.text(m, field, what));
        } catch (IllegalArgumentException e) {
            throw JsonFields.format(what + " field '" + field + "' is not base64: " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
