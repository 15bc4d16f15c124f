package cn.egov.portal.serve;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answer to what Jetty refuses before a handler sees it (a malformed URI or header, an
 * ambiguous path) and to a handler that failed: the status and its reason in plain text. Jetty's
 * own page is HTML that names Jetty and echoes the request's URI and the failure's message, on the
 * public face of the box; this says nothing about the server and cannot be sniffed or framed.
 */
final class PortalErrors extends ErrorHandler {

    PortalErrors() {
        setShowStacks(false);
        setShowMessageInTitle(false);
        setShowOrigin(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, status + " " + HttpStatus.getMessage(status) + "\n", callback);
        return true;
    }
}
