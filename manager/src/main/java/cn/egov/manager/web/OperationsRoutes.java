package cn.egov.manager.web;

import cn.egov.manager.account.Role;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.Database;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The shell's routes for operators and integrators:
 * <ul>
 *   <li>{@code GET /metrics}: every part's meters and the JVM's in the Prometheus text format — NOC
 *       (Prometheus scrapes with {@code authorization: {type: Bearer, credentials: <auth.noc.token>}})</li>
 *   <li>{@code GET /api/metrics}: the manager's own meters as one JSON object — NOC</li>
 *   <li>{@code GET /api/health}: public liveness (store and broker connection), no data</li>
 *   <li>{@code GET /api/openapi.json}: the OpenAPI 3 description of the REST API; {@code /api/docs}: Swagger UI
 *       (from its WebJar) showing it — any role</li>
 * </ul>
 */
public final class OperationsRoutes {

    /** Where Prometheus scrapes. */
    public static final String METRICS = "/metrics";
    public static final String OPENAPI = "/api/openapi.json";
    public static final String API_DOCS = "/api/docs";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private OperationsRoutes() {
    }

    /**
     * @param openApi  the REST API's description (JSON), the shell's paths and every part's
     * @param brokerUp true while the manager's MQTT subscriber is connected
     */
    public static void add(WebRoutes routes, Meters meters, Database database, BooleanSupplier brokerUp, byte[] openApi) {
        Set<Role> operators = EnumSet.of(Role.NOC);
        routes.api(METRICS, operators, (request, response, callback) -> Json.text(response, callback, 200, PROMETHEUS_TEXT,
                meters.scrape()));
        routes.api("/api/metrics", operators, (request, response, callback) -> Json.write(response, callback, 200, meters.snapshot()));
        routes.publicRoute("/api/health", new HealthHandler(database, brokerUp));
        Set<Role> everyone = EnumSet.allOf(Role.class);
        routes.api(OPENAPI, everyone, (request, response, callback) -> {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap(openApi), callback);
            return true;
        });
        routes.api(API_DOCS, everyone, (request, response, callback) -> {
            Frame frame = Pages.frame(request, routes, "接口文档 REST API").still();
            return Pages.render(response, callback, 200, out -> JteapidocsGenerated.render(out, null, frame,
                    List.of(Assets.SWAGGER_UI + "/swagger-ui.css"), List.of(Assets.SWAGGER_UI + "/swagger-ui-bundle.js",
                            "/assets/api-docs.js")));
        });
        routes.publicRoute("/assets/api-docs.js", (request, response, callback) -> Json.text(response, callback, 200,
                "text/javascript; charset=utf-8", API_DOCS_SCRIPT));
    }

    /** Swagger UI started on the manager's own document; in a file, not inline, so the pages' CSP holds. */
    private static final String API_DOCS_SCRIPT = """
            window.addEventListener('load', function () {
              window.ui = SwaggerUIBundle({ url: '%s', dom_id: '#swagger-ui', deepLinking: true });
            });
            """.formatted(OPENAPI);
}
