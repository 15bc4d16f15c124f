package cn.egov.console.web;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Error responses without Jetty's page: plain text (JSON when the client asks for it), the status
 * and its reason only, never a version, a stack trace or the exception's message.
 */
public final class ConsoleErrorHandler extends ErrorHandler {

    public ConsoleErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
        setShowOrigin(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = HttpStatus.getMessage(status);
        SecurityHeaders.apply(response.getHeaders(), false);
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        String body;
        if (accept != null && accept.contains("application/json") && !accept.contains("text/html")) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            body = "{\"status\":" + status + ",\"error\":\"" + reason + "\"}";
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            body = status + " " + reason + "\n";
        }
        Content.Sink.write(response, true, body, callback);
        return true;
    }

}
