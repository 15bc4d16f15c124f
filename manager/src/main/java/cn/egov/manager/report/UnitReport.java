package cn.egov.manager.report;

import cn.egov.manager.evidence.UnitRef;
import java.util.List;

/**
 * The report on one unit.
 *
 * @param unit     the unit and its place
 * @param overall  the worst verdict of its items ({@link Verdict#NO_DATA} only when every item has none)
 * @param messages health and lifecycle messages its box sent in the period
 * @param findings one per {@link ReportItem}, in order
 */
public record UnitReport(UnitRef unit, Verdict overall, long messages, List<Finding> findings) {

    public UnitReport {
        findings = List.copyOf(findings);
    }

    public Finding finding(ReportItem item) {
        return findings.get(item.ordinal());
    }
}
