package cn.egov.api.telemetry;

import cn.egov.api.payload.KuraPayload;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alarm with its evidence, as every capability raises them and the manager lists them.
 * Wire form: a KuraPayload on {@code <account>/<client-id>/ALARM/<kind>} with metrics
 * {@code severity}, {@code message}, {@code source} and one {@code evidence.<key>} metric per
 * evidence item (strings).
 *
 * @param kind     stable machine name, e.g. {@code outbox.eviction}, {@code isolation.outbound}; its Chinese
 *                 name and what to do are in {@link AlarmCatalogue} (every kind raised has an entry)
 * @param severity {@link Severity}
 * @param source   the capability that raised it, e.g. {@code telemetry}, {@code isolation}
 * @param message  one sentence a technician or auditor understands
 * @param evidence key/value evidence (time, interface, addresses, rule...)
 * @param time     milliseconds since the epoch when it was observed
 */
public record Alarm(String kind, Severity severity, String source, String message, Map<String, String> evidence, long time) {

    public static final String APP_ID = "ALARM";

    public enum Severity { CRITICAL, MAJOR, MINOR, WARNING, CLEARED }

    public Alarm {
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence == null ? Map.of() : evidence));
    }

    public KuraPayload toPayload() {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(time)
                .metric("kind", kind)
                .metric("severity", severity.name())
                .metric("source", source)
                .metric("message", message);
        evidence.forEach((k, v) -> b.metric("evidence." + k, v));
        return b.build();
    }

    /** Reads an alarm back; the kind comes from the topic's resource when the metric is absent. */
    public static Alarm fromPayload(String kindFromTopic, KuraPayload p) {
        Map<String, String> evidence = new LinkedHashMap<>();
        p.metrics().forEach((k, v) -> {
            if (k.startsWith("evidence.")) {
                evidence.put(k.substring("evidence.".length()), String.valueOf(v));
            }
        });
        String kind = p.stringMetric("kind") != null ? p.stringMetric("kind") : kindFromTopic;
        Severity sev;
        try {
            sev = Severity.valueOf(String.valueOf(p.stringMetric("severity")));
        } catch (IllegalArgumentException e) {
            sev = Severity.WARNING;
        }
        return new Alarm(kind, sev, p.stringMetric("source"), p.stringMetric("message"), evidence,
                p.timestamp() == null ? 0L : p.timestamp());
    }
}
