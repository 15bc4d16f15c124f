package cn.egov.manager.ca;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Plain-HTTP revocation endpoints: the published CRLs ({@code application/pkix-crl}, DER) and
 * the OCSP responder ({@code POST /ocsp}, or {@code GET /ocsp/<base64 request>} per RFC 6960
 * Appendix A). Both answers are signed by the CA, so they need no TLS.
 */
final class CrlAndOcspHandler extends Handler.Abstract {

    private final CrlPublisher crls;
    private final OcspResponder ocsp;

    CrlAndOcspHandler(CrlPublisher crls, OcspResponder ocsp) {
        this.crls = crls;
        this.ocsp = ocsp;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        CrlPublisher.Published p = crls.latest();
        switch (path) {
            case CaHttpPaths.CRL_ISSUING -> {
                return der(response, callback, "application/pkix-crl", p.issuing());
            }
            case CaHttpPaths.CRL_ROOT -> {
                return der(response, callback, "application/pkix-crl", p.root());
            }
            case "/crl/sm2.crl" -> {
                return der(response, callback, "application/pkix-crl", p.sm2());
            }
            default -> {
            }
        }
        if (path.equals(CaHttpPaths.OCSP) && "POST".equals(request.getMethod())) {
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readNBytes(OcspResponder.MAX_REQUEST_BYTES + 1);
            }
            return der(response, callback, "application/ocsp-response", ocsp.respond(body));
        }
        String raw = request.getHttpURI().getPath(); // still URL-encoded: base64 may hold '/'
        if (raw != null && raw.startsWith(CaHttpPaths.OCSP + "/") && "GET".equals(request.getMethod())) {
            byte[] req;
            try {
                String enc = java.net.URLDecoder.decode(raw.substring(CaHttpPaths.OCSP.length() + 1), java.nio.charset.StandardCharsets.US_ASCII);
                req = Base64.getDecoder().decode(enc);
            } catch (IllegalArgumentException e) {
                req = new byte[0];
            }
            return der(response, callback, "application/ocsp-response", ocsp.respond(req));
        }
        return false;
    }

    private static boolean der(Response response, Callback callback, String type, byte[] body) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
