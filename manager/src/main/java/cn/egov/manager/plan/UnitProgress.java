package cn.egov.manager.plan;

import java.util.List;

/**
 * How far one unit has come in reworking its network to plan.
 *
 * @param unit              the unit (box client id)
 * @param name              place and unit name
 * @param status            {@code NOT_STARTED} (nothing fixed yet), {@code IN_PROGRESS}, {@code DONE} (latest check clean)
 * @param lastCheck         ms since the epoch of the latest check
 * @param open              findings of the latest check
 * @param resolved          distinct findings seen earlier and gone since
 * @param percentDone       resolved / (resolved + open), 0–100
 * @param firstNonConforming ms since the epoch of the first check with findings
 * @param due               the rework deadline: one year after the first non-conforming check
 * @param openFindings      the open findings with their remediation
 * @param history           per check: time and number of findings, oldest first
 */
public record UnitProgress(String unit, String name, String status, long lastCheck, int open, int resolved, int percentDone,
                           long firstNonConforming, long due, List<OpenFinding> openFindings, List<CheckPoint> history) {

    /** An open finding as the box reported it. */
    public record OpenFinding(String kind, String subject, String observed, String owner, String suggestion, String remediation) {
    }

    /** One check in the unit's history. */
    public record CheckPoint(long time, long findings) {
    }
}
