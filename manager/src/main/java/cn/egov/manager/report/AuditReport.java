package cn.egov.manager.report;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The auditor's report: what was found for each unit of the scope in the period. This record is
 * the evidence that exports hash and attach: the same stored data gives the same report, and so
 * the same SHA-256 (when the data was collected is stated beside it, not in it).
 *
 * @param scope     the province, city, county or unit code
 * @param scopeName its name
 * @param from      first day of the period ({@code 2026-01-01})
 * @param to        last day of the period, inclusive
 * @param units     every unit of the scope the caller may see, in code order
 */
public record AuditReport(String scope, String scopeName, String from, String to, List<UnitReport> units) {

    public AuditReport {
        units = List.copyOf(units);
    }

    /** Per item, how many units got each verdict. */
    public Map<ReportItem, Map<Verdict, Integer>> summary() {
        Map<ReportItem, Map<Verdict, Integer>> out = new EnumMap<>(ReportItem.class);
        for (ReportItem item : ReportItem.values()) {
            Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
            for (Verdict v : Verdict.values()) {
                counts.put(v, 0);
            }
            out.put(item, counts);
        }
        for (UnitReport u : units) {
            for (Finding f : u.findings()) {
                out.get(f.item()).merge(f.verdict(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** How many units got each overall verdict. */
    public Map<Verdict, Integer> overall() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        units.forEach(u -> counts.merge(u.overall(), 1, Integer::sum));
        return counts;
    }
}
