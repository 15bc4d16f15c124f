package cn.egov.manager.web;

import cn.egov.manager.app.MetricGauges;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/metrics}: every registered gauge (ingest counters, queue depths, malformed counts, broker backlog). */
final class MetricsHandler implements Request.Handler {
    private final MetricGauges gauges;

    MetricsHandler(MetricGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        return Json.write(response, callback, 200, gauges.snapshot());
    }
}
