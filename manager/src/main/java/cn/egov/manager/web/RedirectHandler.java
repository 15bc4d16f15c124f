package cn.egov.manager.web;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code /}: 302 to the first page the caller's role may open. */
final class RedirectHandler implements Request.Handler {
    private final WebRoutes routes;

    RedirectHandler(WebRoutes routes) {
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        var pages = routes.navigation(Caller.of(request).role());
        if (pages.isEmpty()) {
            return Json.error(response, callback, 404, "no page for your role");
        }
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, pages.get(0).path());
        callback.succeeded();
        return true;
    }
}
