package cn.egov.manager.web;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * An error answered before the handler read the whole request body. Jetty closes the connection
 * after an unread body; once the answer is committed it can no longer say so, and a client told
 * nothing sends its next request into the closing connection, where it is lost. So an error
 * answer consumes what body has already arrived and, if more is still to come, says
 * {@code Connection: close} itself. (Jetty's own {@code Response.writeError} does the same.)
 */
public final class UnreadBody {

    private UnreadBody() {
    }

    /** Before an error answer is written: keeps the connection only if no body is left unread. */
    public static void closeIfUnread(Response response) {
        Request request = response.getRequest();
        if (!response.isCommitted() && request != null && !request.consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
    }
}
