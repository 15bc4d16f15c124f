package cn.egov.manager.plan;

import static cn.egov.api.telemetry.AddressPlanMetrics.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds the remediation list from the boxes' {@code ADDRESSPLAN} reports: every unit that has
 * ever reported a finding, with what is still open (the findings of its latest check), what has
 * been fixed (findings of earlier checks that are gone), and the deadline — networks not built to
 * plan must be reworked within the year of the first finding. Units with the most open findings
 * come first.
 */
public final class RemediationList {

    /** Networks not built to plan must be reworked within the year. */
    public static final Duration REWORK_PERIOD = Duration.ofDays(365);

    private RemediationList() {
    }

    /**
     * @param reports  the stored reports, any order
     * @param nameOf   unit code → display name (place and unit)
     */
    public static List<UnitProgress> compute(List<PlanReport> reports, Function<String, String> nameOf) {
        Map<String, List<PlanReport>> byUnit = new HashMap<>();
        for (PlanReport r : reports) {
            byUnit.computeIfAbsent(r.clientId(), k -> new ArrayList<>()).add(r);
        }
        List<UnitProgress> out = new ArrayList<>();
        byUnit.forEach((unit, rs) -> {
            UnitProgress p = unit(unit, rs, nameOf.apply(unit));
            if (p != null) {
                out.add(p);
            }
        });
        out.sort(Comparator.comparingInt(UnitProgress::open).reversed().thenComparing(UnitProgress::unit));
        return out;
    }

    private static UnitProgress unit(String unit, List<PlanReport> rs, String name) {
        TreeMap<Long, PlanReport> checks = new TreeMap<>();
        Map<Long, List<PlanReport>> findings = new HashMap<>();
        for (PlanReport r : rs) {
            long id = r.longMetric(CHECK_ID);
            if (CHECK_RESOURCE.equals(r.resource())) {
                checks.put(id, r);
            } else if (FINDING_RESOURCE.equals(r.resource())) {
                findings.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
            }
        }
        if (checks.isEmpty()) {
            return null;
        }
        long firstBad = checks.values().stream().filter(c -> c.longMetric(FINDINGS) > 0).mapToLong(c -> c.longMetric(CHECK_ID))
                .min().orElse(-1);
        if (firstBad < 0) {
            return null; // always conformed: not on the remediation list
        }
        long latest = checks.lastKey();
        Map<String, PlanReport> open = new LinkedHashMap<>();
        for (PlanReport f : findings.getOrDefault(latest, List.of())) {
            open.putIfAbsent(f.text(KEY), f);
        }
        Set<String> seenBefore = new LinkedHashSet<>();
        findings.forEach((id, fs) -> {
            if (id < latest) {
                fs.forEach(f -> seenBefore.add(f.text(KEY)));
            }
        });
        seenBefore.removeAll(open.keySet());
        // the summary says how many findings the check had; trust it over what has arrived so far
        int openCount = (int) Math.max(open.size(), checks.get(latest).longMetric(FINDINGS));
        int resolved = seenBefore.size();
        int percent = openCount + resolved == 0 ? 100 : (int) Math.round(100.0 * resolved / (openCount + resolved));
        String status = openCount == 0 ? "DONE" : resolved == 0 ? "NOT_STARTED" : "IN_PROGRESS";
        List<UnitProgress.OpenFinding> openFindings = open.values().stream().map(f -> new UnitProgress.OpenFinding(
                f.text(KIND), f.text(SUBJECT), f.text(OBSERVED), f.text(OWNER), f.text(SUGGESTION), f.text(REMEDIATION))).toList();
        List<UnitProgress.CheckPoint> history = checks.values().stream()
                .map(c -> new UnitProgress.CheckPoint(c.longMetric(CHECK_ID), c.longMetric(FINDINGS))).toList();
        return new UnitProgress(unit, name, status, latest, openCount, resolved, percent, firstBad,
                firstBad + REWORK_PERIOD.toMillis(), openFindings, history);
    }
}
