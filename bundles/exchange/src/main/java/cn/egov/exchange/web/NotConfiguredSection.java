package cn.egov.exchange.web;

import cn.egov.console.api.SectionContext;
import cn.egov.exchange.web.jte.JtenotconfiguredGenerated;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What {@code /exchange/} answers while the exchange is off (no {@code cn.egov.exchange.cfg} yet):
 * 503 with a page telling the clerk to ask the technician to save the 公文交换 form, and the same
 * in one line to a JSON client, rather than a 404 that says nothing.
 */
public final class NotConfiguredSection implements Request.Handler {
    private final String pid;

    /** @param pid the exchange's configuration PID: the form and file the technician saves */
    public NotConfiguredSection(String pid) {
        this.pid = pid;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/exchange/")) {
            return false;
        }
        if (path.startsWith("/exchange/api/")) {
            return ExchangeSection.json(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, Map.of("error",
                    "the document exchange is not configured on this box: ask the technician to save its form (" + pid + ".cfg)"));
        }
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        SectionContext.of(request).render(response, callback, "公文交换 Documents",
                ExchangeSection.html(out -> JtenotconfiguredGenerated.render(out, null, pid)));
        return true;
    }
}
