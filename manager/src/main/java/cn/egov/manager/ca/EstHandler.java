package cn.egov.manager.ca;

import cn.egov.api.web.UnreadBody;
import cn.egov.api.text.LogSafe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * EST (RFC 7030) over the HTTPS connector: {@code GET cacerts}, {@code POST simpleenroll}
 * authorised by a one-time token, {@code POST simplereenroll} authorised by the box's current
 * certificate (TLS client certificate), and {@code POST document-signing/simpleenroll},
 * {@code document-encryption/simpleenroll} (labels, RFC 7030 §3.2.2): a unit's document-exchange
 * keys, authorised by the box's certificate, for the box's own unit.
 *
 * <p>The token is presented as {@code Authorization: Bearer <token>}, or as HTTP Basic
 * (RFC 7030 §3.2.3) with the unit code as user name and the token as password. Request bodies
 * are {@code Content-Type: application/pkcs10} (RFC 7030 §4.2.1; anything else is answered 415),
 * base64 DER ({@code Content-Transfer-Encoding: base64}); PEM and raw DER are accepted too.
 * Answers are base64 {@code application/pkcs7-mime; smime-type=certs-only}. Errors are
 * {@code text/plain} with the reason.
 */
final class EstHandler extends Handler.Abstract {

    static final String PKCS7_CERTS = "application/pkcs7-mime; smime-type=certs-only";
    /** The only request media type of simpleenroll and simplereenroll (RFC 7030 §4.2.1, §4.2.2). */
    static final String PKCS10 = "application/pkcs10";

    private final ProvincialCa ca;

    EstHandler(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(CaHttpPaths.EST + "/")) {
            return false;
        }
        if (!request.isSecure()) {
            return text(response, callback, 403, "EST is served over HTTPS only");
        }
        try {
            switch (path) {
                case CaHttpPaths.EST_CACERTS -> {
                    requireMethod(request, "GET");
                    return pkcs7(response, callback, ca.caCertificates());
                }
                case CaHttpPaths.EST_SIMPLEENROLL -> {
                    requireMethod(request, "POST");
                    requirePkcs10(request);
                    String token = token(request);
                    byte[] csr = body(request);
                    return pkcs7(response, callback, List.of(ca.enrol(token, csr)));
                }
                case CaHttpPaths.EST_SIMPLEREENROLL -> {
                    requireMethod(request, "POST");
                    requirePkcs10(request);
                    X509Certificate client = clientCertificate(request);
                    byte[] csr = body(request);
                    return pkcs7(response, callback, List.of(ca.reenrol(client, csr)));
                }
                case CaHttpPaths.EST_DOCUMENT_SIGNING, CaHttpPaths.EST_DOCUMENT_ENCRYPTION -> {
                    requireMethod(request, "POST");
                    requirePkcs10(request);
                    X509Certificate client = clientCertificate(request);
                    byte[] csr = body(request);
                    X509Certificate issued = ca.enrolDocumentKey(client, path.equals(CaHttpPaths.EST_DOCUMENT_SIGNING)
                            ? ProvincialCa.DocumentKey.SIGNING : ProvincialCa.DocumentKey.ENCRYPTION, csr);
                    // with its issuing CA: signed documents carry it, and boxes do not hold the SM2 signing CA
                    X509Certificate sm2Ca = ca.sm2SigningCaCertificate();
                    return pkcs7(response, callback, List.of(issued,
                            issued.getIssuerX500Principal().equals(sm2Ca.getSubjectX500Principal()) ? sm2Ca : ca.issuingCertificate()));
                }
                default -> {
                    return text(response, callback, 404, "unknown EST operation " + path);
                }
            }
        } catch (EnrolmentException e) {
            if (e.httpStatus() == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"est\", Basic realm=\"est\"");
            }
            return text(response, callback, e.httpStatus(), e.getMessage());
        }
    }

    private static void requireMethod(Request request, String method) throws EnrolmentException {
        if (!method.equals(request.getMethod())) {
            throw new EnrolmentException(405, request.getMethod() + " not allowed here; use " + method);
        }
    }

    /** 415 unless the body is declared a PKCS#10 request; parameters (e.g. a charset) are ignored. */
    static void requirePkcs10(Request request) throws EnrolmentException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";", 2)[0].strip();
        if (!media.equalsIgnoreCase(PKCS10)) {
            throw new EnrolmentException(415, "Content-Type must be " + PKCS10 + " (RFC 7030 §4.2.1), got "
                    + (type == null ? "none" : "'" + LogSafe.of(type) + "'"));
        }
    }

    /** The token from {@code Bearer <token>} or Basic {@code <unit>:<token>}. */
    static String token(Request request) throws EnrolmentException {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null) {
            throw EnrolmentException.unauthorised("simpleenroll needs an enrolment token: Authorization: Bearer <token>");
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw EnrolmentException.badRequest("Authorization: Basic credentials are not base64");
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(colon + 1);
        }
        throw EnrolmentException.unauthorised("Authorization scheme must be Bearer or Basic");
    }

    private static X509Certificate clientCertificate(Request request) throws EnrolmentException {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (data instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null && ssl.peerCertificates().length > 0) {
            return ssl.peerCertificates()[0];
        }
        throw EnrolmentException.unauthorised(Request.getPathInContext(request).substring(CaHttpPaths.EST.length() + 1)
                + " needs the box's current certificate as TLS client certificate");
    }

    /** Reads at most the CSR limit (base64 of it is 4/3 larger, plus PEM armour) and decodes it. */
    static byte[] body(Request request) throws EnrolmentException, IOException {
        int limit = CsrValidator.MAX_CSR_BYTES * 2;
        byte[] raw;
        try (InputStream in = Content.Source.asInputStream(request)) {
            raw = in.readNBytes(limit + 1);
        }
        if (raw.length > limit) {
            throw new EnrolmentException(413, "request body exceeds " + limit + " bytes; a CSR is limited to "
                    + CsrValidator.MAX_CSR_BYTES + " bytes DER");
        }
        return decode(raw);
    }

    /**
     * The DER of a request body: DER as is, else base64 (RFC 7030), optionally in PEM armour.
     * Base64 is read strictly: the MIME decoder would skip every character outside the alphabet
     * and turn plain text into a few bytes or none.
     */
    static byte[] decode(byte[] raw) throws EnrolmentException {
        if (raw.length == 0) {
            throw EnrolmentException.badRequest("request body is empty; send the CSR as base64 DER PKCS#10");
        }
        if (raw[0] == 0x30) {
            return raw; // DER
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("-----(BEGIN|END) [A-Z ]+-----", "");
        StringBuilder b64 = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) {
                throw EnrolmentException.badRequest("request body is neither DER nor base64: character "
                        + (c < 0x20 || c > 0x7e ? String.format("0x%02x", (int) c) : "'" + c + "'") + " at byte " + i
                        + " is not base64; send the CSR as base64 DER PKCS#10");
            }
            b64.append(c);
        }
        if (b64.isEmpty()) {
            throw EnrolmentException.badRequest("request body holds no CSR (only PEM armour or blanks)");
        }
        try {
            return Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw EnrolmentException.badRequest("request body is not valid base64 (" + b64.length()
                    + " characters; padding or length is wrong); send the CSR as base64 DER PKCS#10");
        }
    }

    private static boolean pkcs7(Response response, Callback callback, List<X509Certificate> certs)
            throws CertificateEncodingException, CMSException, IOException {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addCertificates(new JcaCertStore(certs));
        byte[] der = g.generate(new CMSAbsentContent()).getEncoded();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PKCS7_CERTS);
        response.getHeaders().put("Content-Transfer-Encoding", "base64");
        Content.Sink.write(response, true, Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) + "\n", callback);
        return true;
    }

    static boolean text(Response response, Callback callback, int status, String message) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, message + "\n", callback);
        return true;
    }
}
