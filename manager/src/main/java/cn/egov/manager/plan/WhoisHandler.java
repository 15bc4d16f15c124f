package cn.egov.manager.plan;

import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/plan/whois?q=10.6.8.9}: who owns an address, a prefix or a domain name. */
final class WhoisHandler implements Request.Handler {

    private final PlanService service;

    WhoisHandler(PlanService service) {
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String q = Request.extractQueryParameters(request).getValue("q");
        if (q == null || q.isBlank()) {
            return Json.error(response, callback, 400, "give ?q=ADDRESS|PREFIX|NAME");
        }
        try {
            var answer = service.whois(q);
            if (answer.isEmpty()) {
                return Json.error(response, callback, 503, "no plan has been imported");
            }
            return Json.write(response, callback, answer.get().found() ? 200 : 404, PlanJson.answer(answer.get()));
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
    }
}
