package cn.egov.manager.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a request it cannot parse: 400, 414 URI too long, 431 headers too large; or
 * a failure before the dispatcher) answered like the API's: {@code {"error": "..."}} in plain words,
 * with the security headers, instead of Jetty's HTML page that names the server and its version.
 * The parser's own message is not shown: it is about Jetty's internals, not the caller's request.
 * The manager's other listeners (EST, CRL/OCSP, the servers for boxes) answer their errors the same way.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        SecurityHeaders.apply(response.getHeaders(), request.isSecure(), false);
        Json.write(response, callback, code, Map.of("error", plain(code)));
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        SecurityHeaders.apply(fields, false, false);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        try {
            return ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(Map.of("error", plain(status))));
        } catch (Exception e) {
            return ByteBuffer.wrap("{\"error\":\"bad request\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** "400 Bad Request", "414 URI Too Long", ... */
    static String plain(int code) {
        String reason = HttpStatus.getMessage(code);
        return code + " " + (reason == null ? "error" : reason);
    }
}
