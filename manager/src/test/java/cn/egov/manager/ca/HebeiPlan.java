package cn.egov.manager.ca;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.PlanParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The province's real address plan ({@code rules/plan}) for CA tests: units 130602-001 (domain
 * jyj.jingxiu.gov.cn), 130602-002 (wjw.jingxiu.gov.cn), 130600-012 (slj.bd.gov.cn), 130681-003
 * (gaj.zhuozhou.gov.cn), 130602-000 (the county office, holding www.jingxiu.gov.cn) and others.
 */
public final class HebeiPlan {

    /** The plan folder, from the manager module's directory (where Maven runs the tests). */
    public static final Path DIR = Path.of("../rules/plan");

    private HebeiPlan() {
    }

    public static AddressPlan plan() {
        try {
            return PlanParser.forHebei().parse(DIR).plan();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static UnitNames names() {
        return PlanUnitNames.of(plan());
    }
}
