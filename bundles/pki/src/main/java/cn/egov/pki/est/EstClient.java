package cn.egov.pki.est;

import cn.egov.api.text.LogSafe;
import cn.egov.pki.store.BoxCredentials;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;

/**
 * EST (RFC 7030) client of the box: {@code cacerts}, {@code simpleenroll} with the one-time token
 * (sent as {@code Authorization: Bearer}), {@code simplereenroll} authenticated by the current
 * certificate. The server is trusted through the provincial root only.
 *
 * <pre>{@code
 * List<X509Certificate> cas = EstClient.bootstrapCaCerts(URI.create("https://ca.hebei.gov.cn:8443"), "AB:CD:...");
 * EstClient est = new EstClient(URI.create("https://ca.hebei.gov.cn:8443"), cas, null);
 * X509Certificate cert = est.simpleEnroll(CertificateRequests.forUnit(keys, unit), token);
 * }</pre>
 */
public final class EstClient {

    public static final String WELL_KNOWN = "/.well-known/est";
    /** How long to wait for a connection, and then for an answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Longest refusal shown as the CA's reason (the CA's are one sentence). */
    private static final int MAX_REASON_CHARS = 400;
    /** Characters of a fingerprint shown in an error: enough to compare by eye, too few to copy as the answer. */
    static final int FINGERPRINT_PREFIX = 11;
    /** A certs-only answer with a few certificates is a few KB; refuse to buffer more. */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param base          the manager's EST base, e.g. {@code https://ca.hebei.gov.cn:8443}
     * @param trustAnchors  the provincial CA certificates (root at least)
     * @param clientCredentials the box's current key and certificate for simplereenroll, or null
     */
    public EstClient(URI base, List<X509Certificate> trustAnchors, BoxCredentials clientCredentials) throws GeneralSecurityException {
        this(base, trustAnchors, clientCredentials, DEFAULT_TIMEOUT);
    }

    /** @param timeout for the connection, and again for the answer */
    public EstClient(URI base, List<X509Certificate> trustAnchors, BoxCredentials clientCredentials, Duration timeout)
            throws GeneralSecurityException {
        this.base = base;
        this.timeout = positive(timeout);
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .sslContext(sslContext(trustAnchors, clientCredentials)).build();
    }

    /**
     * First contact, before the box trusts anything: fetches {@code cacerts} without verifying
     * the server, then accepts the answer only if it holds a self-signed root whose SHA-256
     * fingerprint is the one the technician confirmed (RFC 7030 §4.1.1, manual authorisation).
     *
     * @return the root and the CA certificates that chain to it
     */
    public static List<X509Certificate> bootstrapCaCerts(URI base, String expectedRootSha256)
            throws EstException, GeneralSecurityException {
        return bootstrapCaCerts(base, expectedRootSha256, DEFAULT_TIMEOUT);
    }

    /** As {@link #bootstrapCaCerts(URI, String)}, waiting at most {@code timeout} to connect and again for the answer. */
    public static List<X509Certificate> bootstrapCaCerts(URI base, String expectedRootSha256, Duration timeout)
            throws EstException, GeneralSecurityException {
        String want = normaliseFingerprint(expectedRootSha256);
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[]{new AcceptAnyServer()}, new SecureRandom());
        HttpClient bootstrap = HttpClient.newBuilder().connectTimeout(positive(timeout)).sslContext(trustAll).build();
        List<X509Certificate> certs = certsOnly(send(bootstrap, base, HttpRequest.newBuilder(base.resolve(WELL_KNOWN + "/cacerts")).GET(), timeout));
        X509Certificate root = null;
        for (X509Certificate c : certs) {
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && fingerprint(c).equals(want)) {
                root = c;
            }
        }
        if (root == null) {
            // Never print the offered root's fingerprint: a technician would paste it back and
            // trust whatever server answered. Short prefixes let them spot a typo by eye.
            throw new FingerprintMismatchException("the provincial root offered by " + base + " does not match the confirmed fingerprint"
                    + " (you entered " + want + "; the server's root starts "
                    + certs.stream().filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                            .map(c -> fingerprint(c).substring(0, FINGERPRINT_PREFIX) + "...").findFirst().orElse("(none offered)")
                    + "); take the fingerprint from the provincial CA's published notice, not from a server, and check the --manager URL");
        }
        return chainedTo(root, certs);
    }

    /** {@code GET cacerts}, verified against the trust anchors this client was built with. */
    public List<X509Certificate> caCerts() throws EstException {
        return certsOnly(send(http, base, HttpRequest.newBuilder(base.resolve(WELL_KNOWN + "/cacerts")).GET(), timeout));
    }

    /** {@code POST simpleenroll} with the technician's one-time token. */
    public X509Certificate simpleEnroll(byte[] csrDer, String token) throws EstException {
        return single(send(http, base, post("simpleenroll", csrDer).header("Authorization", "Bearer " + token), timeout));
    }

    /** {@code POST simplereenroll}; this client must have been built with the current credentials. */
    public X509Certificate simpleReenroll(byte[] csrDer) throws EstException {
        return single(send(http, base, post("simplereenroll", csrDer), timeout));
    }

    /** SHA-256 of the DER, upper-case hex with colons, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String normaliseFingerprint(String text) {
        String hex = text == null ? "" : text.replaceFirst("(?i)^sha256( fingerprint)?=", "").replace(":", "").strip().toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("root fingerprint must be 64 hex digits of SHA-256 (colons allowed), got '" + text + "'");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    private HttpRequest.Builder post(String op, byte[] csrDer) {
        return HttpRequest.newBuilder(base.resolve(WELL_KNOWN + "/" + op))
                .header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofString(Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(csrDer) + "\n"));
    }

    private static byte[] send(HttpClient client, URI base, HttpRequest.Builder request, Duration timeout) throws EstException {
        HttpResponse<byte[]> r;
        try {
            r = client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new EstException("cannot reach the EST server: " + NetworkProblems.describe(e, base, timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EstException("interrupted", e);
        }
        if (r.body().length > MAX_RESPONSE_BYTES) {
            throw new EstException(r.statusCode(), "EST answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        if (r.statusCode() != 200) {
            String reason = new String(r.body(), StandardCharsets.UTF_8).strip();
            if (!isOneLineReason(reason)) { // not the CA's words: another web server (its error page), or nothing
                throw new EstException(r.statusCode(), "the server at " + base + " answered " + r.statusCode() + " to "
                        + r.request().uri().getPath() + " without an EST reason: is this the manager's EST address (https://MANAGER:8443)?");
            }
            // the reason goes to a technician's terminal: a control character (an escape sequence) must not reach it
            throw new EstException(r.statusCode(), "EST server refused (" + r.statusCode() + "): " + LogSafe.of(reason));
        }
        return r.body();
    }

    /** The CA refuses in one short line of text; an HTML page or an empty body is some other server's. */
    private static boolean isOneLineReason(String body) {
        return !body.isEmpty() && body.length() <= MAX_REASON_CHARS && body.lines().count() == 1 && !body.startsWith("<");
    }

    private static Duration positive(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("EST timeout must be positive, got " + (timeout == null ? "none" : timeout.toMillis() + " ms"));
        }
        return timeout;
    }

    private static X509Certificate single(byte[] body) throws EstException {
        List<X509Certificate> certs = certsOnly(body);
        if (certs.size() != 1) {
            throw new EstException(200, "EST answer holds " + certs.size() + " certificates; expected 1");
        }
        return certs.get(0);
    }

    /** Decodes a base64 certs-only PKCS#7 (application/pkcs7-mime). */
    static List<X509Certificate> certsOnly(byte[] body) throws EstException {
        try {
            byte[] der = Base64.getMimeDecoder().decode(new String(body, StandardCharsets.US_ASCII).strip());
            CMSSignedData cms = new CMSSignedData(der);
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            List<X509Certificate> out = new ArrayList<>();
            for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) {
                try {
                    out.add(conv.getCertificate(h));
                } catch (GeneralSecurityException e) {
                    // e.g. an SM2 certificate the JDK cannot read: not one the box needs
                }
            }
            if (out.isEmpty()) {
                throw new EstException(200, "EST answer holds no certificate this box can read");
            }
            return out;
        } catch (IllegalArgumentException | CMSException e) {
            throw new EstException(200, "EST answer is not a base64 certs-only PKCS#7: " + e.getMessage());
        }
    }

    private static List<X509Certificate> chainedTo(X509Certificate root, List<X509Certificate> certs) {
        List<X509Certificate> out = new ArrayList<>();
        out.add(root);
        for (X509Certificate c : certs) {
            if (c == root) {
                continue;
            }
            try {
                c.verify(root.getPublicKey());
                out.add(c);
            } catch (GeneralSecurityException e) {
                // not issued by the confirmed root: not trusted
            }
        }
        return out;
    }

    private static SSLContext sslContext(List<X509Certificate> trustAnchors, BoxCredentials client) throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trustAnchors.size(); i++) {
                trust.setCertificateEntry("ca" + i, trustAnchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                char[] pw = new char[0];
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("box", client.key(), pw, client.chain().toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(ks, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** Only for the one bootstrap {@code cacerts} call, whose answer is then checked by fingerprint. */
    private static final class AcceptAnyServer extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
