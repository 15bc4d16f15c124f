package cn.egov.addressplan;

import static cn.egov.api.telemetry.AddressPlanMetrics.*;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.Map;

/** Turns a {@link ConformanceReport} into telemetry: one check message plus one message per finding. */
public final class ConformancePayloads {

    private ConformancePayloads() {
    }

    /** The summary of one check ({@code ADDRESSPLAN/check}). */
    public static KuraPayload check(ConformanceReport r) {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(r.time())
                .metric(CHECK_ID, r.time())
                .metric(UNIT, r.unit())
                .metric(CONFORMS, r.conforms())
                .metric(ITEMS_CHECKED, (long) r.itemsChecked())
                .metric(FINDINGS, (long) r.findings().size());
        for (Map.Entry<SiteFinding.Kind, Integer> e : r.findingCounts().entrySet()) {
            b.metric(FINDINGS_PREFIX + e.getKey().name(), (long) e.getValue());
        }
        if (!r.problems().isEmpty()) {
            b.metric(PROBLEMS, String.join("\n", r.problems()));
        }
        return b.build();
    }

    /** One finding ({@code ADDRESSPLAN/finding}). */
    public static KuraPayload finding(ConformanceReport r, SiteFinding f) {
        return KuraPayload.builder().timestamp(r.time())
                .metric(CHECK_ID, r.time())
                .metric(UNIT, r.unit())
                .metric(KIND, f.kind().name())
                .metric(KEY, f.key())
                .metric(SUBJECT, f.subject())
                .metric(OBSERVED, f.observed())
                .metric(EXPECTED, f.expected())
                .metric(OWNER, f.owner())
                .metric(SUGGESTION, f.suggestion())
                .metric(REMEDIATION, f.remediation())
                .build();
    }

    /** Publishes the findings first (priority ALARM), then the summary (STATE) that closes the check. */
    public static void publish(TelemetryPublisher telemetry, ConformanceReport r) {
        for (SiteFinding f : r.findings()) {
            telemetry.publish(APP, FINDING_RESOURCE, finding(r, f), Priority.ALARM);
        }
        telemetry.publish(APP, CHECK_RESOURCE, check(r), Priority.STATE);
    }
}
