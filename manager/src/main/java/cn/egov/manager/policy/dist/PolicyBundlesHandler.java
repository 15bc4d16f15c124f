package cn.egov.manager.policy.dist;

import cn.egov.api.policy.PolicyScope;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.JsonBodies;
import cn.egov.manager.web.WebAudit;
import cn.egov.rules.policy.Finding;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/policy/bundles}: what the manager signed and sent (NOC and auditors).
 * {@code POST /api/policy/bundles} (NOC only): validate, sign and publish a policy; body
 * {@code {"scope": "county:130602", "files": {"10-zones.policy": "text", ...}}}. Answers 201 with
 * the serial and the units it went to, 422 with the validator's findings when the policy is not
 * valid (nothing is signed), 400 for a malformed body, 413 past {@link #MAX_BODY} (the dispatcher),
 * 503 when no signing key is configured. Findings name the policy's file names only. Every attempt
 * goes to the audit log.
 */
public final class PolicyBundlesHandler implements Request.Handler {

    /** Largest body read: a province's whole policy is tens of KB; the rest is room for growth. */
    public static final long MAX_BODY = 8L * 1024 * 1024;
    private static final String USAGE = "body must be JSON {\"scope\": \"county:130602\", \"files\": {\"NAME.policy\": \"text\"}}";
    private static final int HISTORY = 200;

    private final PolicyBundleStore store;
    private final PolicyDistributor distributor;
    private final AuditLog audit;

    /**
     * @param distributor null when the manager has no policy-signing key (no CA configured)
     * @param audit       where every publish attempt is recorded
     */
    public PolicyBundlesHandler(PolicyBundleStore store, PolicyDistributor distributor, AuditLog audit) {
        this.store = store;
        this.distributor = distributor;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return Json.write(response, callback, 200, Map.of("bundles", store.history(HISTORY)));
        }
        // the dispatcher let only the NOC through, with JSON from this site and at most MAX_BODY bytes
        if (distributor == null) {
            return refuse(request, response, callback, 503, "", "policy signing is not configured: the manager runs without the"
                    + " provincial CA (set ca.passphrase-file)");
        }
        JsonNode body;
        try {
            body = JsonBodies.object(request);
        } catch (JsonBodies.BadBody e) {
            return refuse(request, response, callback, 400, "", e.getMessage() + "; " + USAGE);
        }
        if (!body.path("scope").isTextual()) {
            return refuse(request, response, callback, 400, "", "field 'scope' is missing (unit:CODE,..., county:CODE, city:CODE or province:CODE)");
        }
        PolicyScope scope;
        try {
            scope = PolicyScope.parse(body.path("scope").asText());
        } catch (IllegalArgumentException e) {
            return refuse(request, response, callback, 400, "", "field 'scope': " + e.getMessage());
        }
        JsonNode files = body.path("files");
        if (!files.isObject() || files.isEmpty()) {
            return refuse(request, response, callback, 400, scope.toString(), "field 'files' must be an object {\"name.policy\": \"text\"} with at least one file");
        }
        Map<String, String> texts = new TreeMap<>();
        var it = files.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                return refuse(request, response, callback, 400, scope.toString(), "each policy file must be a string of policy text");
            }
            texts.put(e.getKey(), e.getValue().asText());
        }
        Caller caller = Caller.of(request);
        try {
            PolicyDistributor.Outcome o = distributor.publish(texts, scope, caller.name());
            audit.record(WebAudit.entry(request, "policy.publish", scope.toString(), AuditEntry.Outcome.SUCCESS, "serial "
                    + o.bundle().serial() + " (" + o.bundle().policyName() + " " + o.bundle().policyVersion() + ") sent to "
                    + o.units().size() + " unit(s)"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("serial", o.bundle().serial());
            out.put("policyName", o.bundle().policyName());
            out.put("policyVersion", o.bundle().policyVersion());
            out.put("scope", o.bundle().scope());
            out.put("sha256", o.bundle().sha256());
            out.put("units", o.units());
            return Json.write(response, callback, 201, out);
        } catch (PolicyRefusedException e) {
            audit.record(WebAudit.entry(request, "policy.publish", scope.toString(), AuditEntry.Outcome.REFUSED, e.getMessage()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.getMessage());
            out.put("findings", findings(e.findings()));
            return Json.write(response, callback, e.findings().isEmpty() ? 400 : 422, out);
        }
    }

    private boolean refuse(Request request, Response response, Callback callback, int status, String target, String message)
            throws Exception {
        audit.record(WebAudit.entry(request, "policy.publish", target, AuditEntry.Outcome.REFUSED, message));
        return Json.error(response, callback, status, message);
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
