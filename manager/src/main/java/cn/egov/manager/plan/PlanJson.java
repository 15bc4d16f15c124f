package cn.egov.manager.plan;

import cn.egov.rules.plan.PlanWhois;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON shapes of plan answers, shared by the REST API and the CLI's {@code --json}. */
public final class PlanJson {

    private PlanJson() {
    }

    public static Map<String, Object> answer(PlanWhois.Answer a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", a.query());
        m.put("kind", a.kind().name());
        m.put("found", a.found());
        m.put("owner", a.owner() == null ? null : a.owner().code());
        m.put("ownerName", a.ownerName());
        m.put("matched", a.matched());
        m.put("source", a.source() == null ? null : a.source().toString());
        m.put("chain", a.chain());
        m.put("within", a.within());
        return m;
    }

    /** An import's or rollback's outcome. */
    static Map<String, Object> result(PlanStore.ImportResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", r.accepted());
        out.put("refusal", r.refusal().name());
        out.put("message", r.message());
        out.put("version", r.version());
        out.put("allocations", r.allocations());
        out.put("dropped", r.dropped());
        out.put("errors", r.errors());
        out.put("findings", r.findings().stream().map(Object::toString).toList());
        return out;
    }
}
