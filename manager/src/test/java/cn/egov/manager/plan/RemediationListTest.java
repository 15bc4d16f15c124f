package cn.egov.manager.plan;

import static cn.egov.api.telemetry.AddressPlanMetrics.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemediationListTest {

    private final List<PlanReport> reports = new ArrayList<>();

    private void check(String unit, long id, String... keys) {
        for (String k : keys) {
            reports.add(new PlanReport(unit, FINDING_RESOURCE, id, Map.of(CHECK_ID, id, KEY, k, KIND, k.split(":")[0],
                    OBSERVED, k.split(":")[1], REMEDIATION, "fix " + k)));
        }
        reports.add(new PlanReport(unit, CHECK_RESOURCE, id, Map.of(CHECK_ID, id, FINDINGS, (long) keys.length)));
    }

    @Test
    void openResolvedAndDeadlinePerUnit() {
        long day = 24L * 3600 * 1000;
        check("130602-001", 1 * day, "NEIGHBOUR:10.9.9.20", "SUBNET:10.9.9.0/24", "LEASE:10.9.9.31");
        check("130602-001", 2 * day, "NEIGHBOUR:10.9.9.20");
        check("130602-002", 1 * day, "HOST_NAME:pc.example.com");
        check("130602-003", 1 * day);                                  // always clean: not listed
        check("130681-003", 1 * day, "NEIGHBOUR:10.1.1.1");
        check("130681-003", 3 * day);                                  // fixed

        List<UnitProgress> list = RemediationList.compute(reports, u -> "name of " + u);
        assertEquals(List.of("130602-001", "130602-002", "130681-003"), list.stream().map(UnitProgress::unit).toList());
        UnitProgress a = list.get(0);
        assertEquals("IN_PROGRESS", a.status());
        assertEquals(1, a.open());
        assertEquals(2, a.resolved());
        assertEquals(67, a.percentDone());
        assertEquals(1 * day, a.firstNonConforming());
        assertEquals(1 * day + 365 * day, a.due());
        assertEquals("fix NEIGHBOUR:10.9.9.20", a.openFindings().get(0).remediation());
        assertEquals(List.of(3L, 1L), a.history().stream().map(UnitProgress.CheckPoint::findings).toList());
        assertEquals("NOT_STARTED", list.get(1).status());
        assertEquals(0, list.get(1).percentDone());
        assertEquals("DONE", list.get(2).status());
        assertEquals(100, list.get(2).percentDone());
    }

    @Test
    void summaryCountWinsWhileFindingsAreStillArriving() {
        reports.add(new PlanReport("130602-001", CHECK_RESOURCE, 5, Map.of(CHECK_ID, 5L, FINDINGS, 4L)));
        reports.add(new PlanReport("130602-001", FINDING_RESOURCE, 5, Map.of(CHECK_ID, 5L, KEY, "NEIGHBOUR:10.9.9.20")));
        UnitProgress p = RemediationList.compute(reports, u -> u).get(0);
        assertEquals(4, p.open());
        assertEquals(1, p.openFindings().size());
    }
}
