package cn.egov.manager.plan;

import java.util.Map;

/**
 * One {@code ADDRESSPLAN} message as stored by ingestion.
 *
 * @param clientId the box that sent it (its authenticated client id, i.e. the unit code)
 * @param resource {@code check} or {@code finding}
 * @param time     the box's timestamp, ms since the epoch
 * @param metrics  the payload's metrics
 */
public record PlanReport(String clientId, String resource, long time, Map<String, Object> metrics) {

    long longMetric(String name) {
        Object v = metrics.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? 0 : Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    String text(String name) {
        Object v = metrics.get(name);
        return v == null ? "" : v.toString();
    }
}
