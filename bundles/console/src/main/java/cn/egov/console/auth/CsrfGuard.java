package cn.egov.console.auth;

import cn.egov.console.api.SectionContext;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Cross-site request forgery defence for requests made with the session cookie: a state-changing
 * request must carry the session's token (form field or header) and, when the browser says where
 * it comes from (Origin, or Sec-Fetch-Site), come from the console's own origin. SameSite=Strict
 * on the cookie is a third layer; none of the three is trusted alone.
 */
public final class CsrfGuard {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private CsrfGuard() {
    }

    public static boolean stateChanging(String method) {
        return !SAFE.contains(method.toUpperCase(Locale.ROOT));
    }

    /** Why the request is refused, or null when it may go ahead. */
    public static String problem(Request request, String expectedToken) {
        String origin = originProblem(request);
        if (origin != null) {
            return origin;
        }
        String token = request.getHeaders().get(SectionContext.CSRF_HEADER);
        if (token == null && isForm(request)) {
            Fields form = FormFields.getFields(request);
            token = form.getValue(SectionContext.CSRF_FIELD);
        }
        if (token == null && isMultipart(request)) {
            // a file upload form cannot set a header and its body is the section's to read (and bound):
            // its token comes in the form's action URL (Referrer-Policy: no-referrer keeps it from leaking)
            token = Request.extractQueryParameters(request).getValue(SectionContext.CSRF_FIELD);
        }
        if (token == null) {
            return "no CSRF token";
        }
        return Sessions.sameToken(expectedToken, token) ? null : "wrong CSRF token";
    }

    /** Why the request's origin is not the console's own, or null when it is (or the client does not say). */
    public static String originProblem(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        // Under our Referrer-Policy: no-referrer, browsers send "Origin: null" on every POST (Fetch
        // standard): then Sec-Fetch-Site, which they always send, says where the request came from.
        boolean opaque = "null".equals(origin);
        if (origin != null && !opaque) {
            return origin.equalsIgnoreCase(ownOrigin(request)) ? null : "cross-origin request from " + origin;
        }
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "cross-site request (Sec-Fetch-Site: " + site + ")";
        }
        if (opaque && site == null) {
            return "request with an opaque origin and no Sec-Fetch-Site";
        }
        return null;
    }

    static String ownOrigin(Request request) {
        HttpURI uri = request.getHttpURI();
        int port = uri.getPort();
        boolean defaultPort = port <= 0 || ("https".equals(uri.getScheme()) && port == 443);
        return uri.getScheme() + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
    }

    private static boolean isMultipart(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.split(";", 2)[0].strip().equalsIgnoreCase("multipart/form-data");
    }

    private static boolean isForm(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && MimeTypes.getContentTypeWithoutCharset(type).equalsIgnoreCase("application/x-www-form-urlencoded");
    }
}
