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
}
