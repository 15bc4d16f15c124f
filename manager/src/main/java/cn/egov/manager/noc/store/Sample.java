package cn.egov.manager.noc.store;

import java.util.Map;

/**
 * One health message's figures, as the series keep them.
 *
 * @param clientId the box (its unit code)
 * @param time     when it was measured (ms since the epoch)
 * @param received when the manager stored it (ms since the epoch): the replay mark
 * @param values   metric name → value, numbers only
 */
public record Sample(String clientId, long time, long received, Map<String, Double> values) {
    public Sample {
        values = Map.copyOf(values);
    }
}
