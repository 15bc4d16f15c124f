package cn.egov.manager.web;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** 302 to a fixed path. */
final class RedirectHandler implements Request.Handler {
    private final String target;

    RedirectHandler(String target) {
        this.target = target;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, target);
        callback.succeeded();
        return true;
    }
}
