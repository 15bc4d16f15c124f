package cn.egov.addressplan;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one conformance check of a site.
 *
 * @param unit     the unit checked, e.g. {@code 130602-001}
 * @param time     when, in milliseconds since the epoch
 * @param checked  how many items were looked at, per kind
 * @param findings the items that do not follow the plan
 * @param problems input that could not be read (lease or hosts lines), {@code file:line: message}
 */
public record ConformanceReport(String unit, long time, Map<SiteFinding.Kind, Integer> checked,
                                List<SiteFinding> findings, List<String> problems) {

    public ConformanceReport {
        checked = Map.copyOf(checked);
        findings = List.copyOf(findings);
        problems = List.copyOf(problems);
    }

    public boolean conforms() {
        return findings.isEmpty();
    }

    /** Number of findings per kind (every kind present, zero when none). */
    public Map<SiteFinding.Kind, Integer> findingCounts() {
        Map<SiteFinding.Kind, Integer> m = new EnumMap<>(SiteFinding.Kind.class);
        for (SiteFinding.Kind k : SiteFinding.Kind.values()) {
            m.put(k, 0);
        }
        findings.forEach(f -> m.merge(f.kind(), 1, Integer::sum));
        return m;
    }

    public int itemsChecked() {
        return checked.values().stream().mapToInt(Integer::intValue).sum();
    }
}
