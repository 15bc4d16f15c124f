package cn.egov.manager.web;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Headers on every answer of the manager's web server. The pages load nothing but their own
 * stylesheet and run no script, so the policy can be strict: a box's hostile display name that
 * escaped escaping still could not run, be framed, or leak the page's address.
 */
final class SecurityHeaders {

    // img-src data: for the icons Swagger UI's stylesheet carries inline (images run no script)
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none';"
            + " form-action 'self'";
    /** HTTPS only: browsers keep to HTTPS for a year once they have seen it. */
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

    private SecurityHeaders() {
    }

    /**
     * @param cacheable false for anything behind a login or about the fleet: browsers and proxies
     *                  must not keep a copy
     */
    static void apply(HttpFields.Mutable headers, boolean secure, boolean cacheable) {
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        if (!cacheable) {
            headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        }
        if (secure) {
            headers.put(HttpHeader.STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
        }
    }
}
