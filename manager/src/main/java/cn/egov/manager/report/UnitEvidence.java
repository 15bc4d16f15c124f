package cn.egov.manager.report;

import cn.egov.manager.evidence.EvidenceStore.Roster;
import cn.egov.manager.evidence.Sample;
import cn.egov.manager.evidence.UnitRef;
import java.util.Map;
import java.util.TreeMap;

/** What the store holds about one unit for one period, gathered before it is judged. */
final class UnitEvidence {

    final UnitRef unit;
    /** Health and lifecycle messages of its box in the period. */
    long messages;
    /** Anything at all received from or about the unit in the period. */
    boolean active;

    /** {@code ISOLATION/policy} newest before the period's end: policy and route-guard state. */
    Sample policy;
    final Events drift;
    final Events restored;
    final Events violations;
    final Events route;

    /** {@code ADDRESSPLAN/check} newest before the end, checks in the period and how many found something. */
    Sample planCheck;
    int checks;
    int nonConformingChecks;
    final Events planFindings;

    /** {@code PKI/certificate} newest before the end. */
    Sample certificate;
    /** When the provincial CA revoked that certificate (0: not revoked, or no CA to ask). */
    long revokedAt;
    final Events pki;

    int exchangeMessages;
    final Events exchange;

    int dutyReports;
    int dutyLate;
    int dutyUnacknowledged;
    Roster roster;
    final Events duty;

    int probes;
    int unreachable;
    int stale;
    /** Newest probe per site. */
    final Map<String, Sample> lastProbes = new TreeMap<>();
    final Events portal;

    UnitEvidence(UnitRef unit, int bound) {
        this.unit = unit;
        drift = new Events(bound);
        restored = new Events(bound);
        violations = new Events(bound);
        route = new Events(bound);
        planFindings = new Events(bound);
        pki = new Events(bound);
        exchange = new Events(bound);
        duty = new Events(bound);
        portal = new Events(bound);
    }
}
