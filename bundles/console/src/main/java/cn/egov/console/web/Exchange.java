package cn.egov.console.web;

import cn.egov.console.auth.Session;
import cn.egov.console.api.ConsoleUser;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One authenticated request to a console page. */
record Exchange(Request request, Response response, Callback callback, Session session, String path, String source) {
    ConsoleUser user() {
        return session.user();
    }

    boolean post() {
        return "POST".equals(request.getMethod());
    }
}
