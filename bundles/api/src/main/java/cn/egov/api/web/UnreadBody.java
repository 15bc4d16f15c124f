package cn.egov.api.web;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * An error answered before the handler read the whole request body. Jetty closes the connection
 * after an unread body; once the answer is committed it can no longer say so, and a keep-alive
 * client told nothing sends its next request into the closing connection, where it is lost (a POST
 * is not retried). So an error answer consumes what body has already arrived and, if more is still
 * to come, says {@code Connection: close} itself. Every Jetty server of the box calls this where it
 * writes its error answers:
 *
 * <pre>{@code
 * static boolean json(Response response, Callback callback, int status, Object body) {
 *     UnreadBody.beforeAnswer(response, status);   // before the status and the body are written
 *     response.setStatus(status);
 *     ...
 * }
 * }</pre>
 *
 * Only error answers are checked: a success may be streaming the body the handler still reads.
 * Jetty's own {@code Response.writeError} (and so an {@code ErrorHandler}, and the 404 for an
 * unhandled request) already consumes the body first, and then Jetty says {@code close} itself:
 * only answers a handler writes directly need this.
 */
public final class UnreadBody {

    private UnreadBody() {
    }

    /**
     * Before an answer with {@code status} is written: an error keeps the connection only if no body
     * is left unread (what has arrived is consumed).
     */
    public static void beforeAnswer(Response response, int status) {
        if (status < 400 || response.isCommitted()) {
            return;
        }
        Request request = response.getRequest();
        if (request != null && !request.consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
    }
}
