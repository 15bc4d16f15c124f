package cn.egov.manager.policy.dist;

import cn.egov.api.policy.PolicyScope;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Role;
import cn.egov.rules.policy.Finding;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/policy/bundles}: what the manager signed and sent (NOC and auditors).
 * {@code POST /api/policy/bundles} (NOC only): validate, sign and publish a policy; body
 * {@code {"scope": "county:130602", "files": {"10-zones.policy": "text", ...}}}. Answers 201 with
 * the serial and the units it went to, 422 with the validator's findings when the policy is not
 * valid (nothing is signed), 400 for a malformed body, 503 when no signing key is configured.
 */
public final class PolicyBundlesHandler implements Request.Handler {

    /** Largest body accepted. */
    static final int MAX_BODY = 8 * 1024 * 1024;
    private static final int HISTORY = 200;

    private final PolicyBundleStore store;
    private final PolicyDistributor distributor;

    /**
     * @param distributor null when the manager has no policy-signing key (no CA configured)
     */
    public PolicyBundlesHandler(PolicyBundleStore store, PolicyDistributor distributor) {
        this.store = store;
        this.distributor = distributor;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if ("GET".equals(request.getMethod())) {
            return Json.write(response, callback, 200, Map.of("bundles", store.history(HISTORY)));
        }
        if (!"POST".equals(request.getMethod())) {
            return Json.error(response, callback, 405, "use GET for the history or POST to sign and publish");
        }
        // the dispatcher stores the authenticated role under the Role class name
        Object role = request.getAttribute(Role.class.getName());
        if (role != Role.NOC) {
            return Json.error(response, callback, 403, "only the NOC may sign and publish a policy");
        }
        if (distributor == null) {
            return Json.error(response, callback, 503, "policy signing is not configured: the manager runs without the provincial CA"
                    + " (set ca.passphrase-file)");
        }
        if (request.getLength() > MAX_BODY) {
            return Json.error(response, callback, 413, "policy larger than " + MAX_BODY + " bytes");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Json.error(response, callback, 400, "body must be JSON {\"scope\": \"...\", \"files\": {...}}: " + e.getMessage());
        }
        if (body == null || !body.path("scope").isTextual()) {
            return Json.error(response, callback, 400, "field 'scope' is missing (unit:CODE,..., county:CODE, city:CODE or province:CODE)");
        }
        PolicyScope scope;
        try {
            scope = PolicyScope.parse(body.path("scope").asText());
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, "field 'scope': " + e.getMessage());
        }
        JsonNode files = body.path("files");
        if (!files.isObject() || files.isEmpty()) {
            return Json.error(response, callback, 400, "field 'files' must be an object {\"name.policy\": \"text\"} with at least one file");
        }
        Map<String, String> texts = new TreeMap<>();
        var it = files.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                return Json.error(response, callback, 400, "field 'files." + e.getKey() + "' must be a string");
            }
            texts.put(e.getKey(), e.getValue().asText());
        }
        try {
            PolicyDistributor.Outcome o = distributor.publish(texts, scope, ((Role) role).user);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("serial", o.bundle().serial());
            out.put("policyName", o.bundle().policyName());
            out.put("policyVersion", o.bundle().policyVersion());
            out.put("scope", o.bundle().scope());
            out.put("sha256", o.bundle().sha256());
            out.put("units", o.units());
            return Json.write(response, callback, 201, out);
        } catch (PolicyRefusedException e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.getMessage());
            out.put("findings", findings(e.findings()));
            return Json.write(response, callback, e.findings().isEmpty() ? 400 : 422, out);
        }
    }

    private static List<Map<String, Object>> findings(List<Finding> fs) {
        return fs.stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", f.severity().name());
            m.put("file", f.origin().file());
            m.put("line", f.origin().line());
            m.put("field", f.field());
            m.put("message", f.toString());
            return m;
        }).toList();
    }
}
