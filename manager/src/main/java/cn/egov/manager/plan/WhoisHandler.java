package cn.egov.manager.plan;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/plan/whois?q=10.6.8.9}: who owns an address, a prefix or a domain name. A
 * technician gets answers about the account's counties only; anything else is answered 404 the
 * same way, whether or not the plan has it.
 */
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
        Caller caller = Caller.of(request);
        try {
            var answer = service.whois(q);
            if (answer.isEmpty()) {
                return Json.error(response, callback, 503, "no plan has been imported");
            }
            var visible = PlanVisibility.whois(answer.get(), caller);
            if (visible.isEmpty()) {
                return Json.error(response, callback, 404, PlanVisibility.notVisible(q));
            }
            return Json.write(response, callback, visible.get().found() ? 200 : 404, PlanJson.answer(visible.get()));
        } catch (IllegalArgumentException e) {
            return caller.provinceWide() ? Json.error(response, callback, 400, e.getMessage())
                    : Json.error(response, callback, 404, PlanVisibility.notVisible(q));
        }
    }
}
