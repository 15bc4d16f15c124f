package cn.egov.api.duty;

import cn.egov.api.payload.KuraPayload;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;

/**
 * A {@link DutyReport} as a KuraPayload: one metric per field, strings and INT64 times (ms since
 * the epoch); the payload's timestamp is the filing time. Reading it back checks every metric's
 * presence and type and then every field (the report's own checks), so anything that arrives
 * malformed is refused with the metric it is about.
 *
 * <pre>{@code
 * telemetry.publish(DutyTopics.APP, DutyTopics.REPORT, DutyReportPayload.encode(report), Priority.CRITICAL);
 * DutyReport back = DutyReportPayload.decode(payload);   // DutyInputException names the bad metric
 * }</pre>
 */
public final class DutyReportPayload {

    public static final String ID = "id";
    public static final String UNIT = "unit";
    public static final String INCIDENT = "incident";
    public static final String KIND = "kind";
    public static final String NUMBER = "number";
    public static final String LEVEL = "level";
    public static final String STATUS = "status";
    public static final String CATEGORY = "category";
    public static final String TITLE = "title";
    public static final String OCCURRED_AT = "occurred_at";
    public static final String FILED_AT = "filed_at";
    public static final String PHONE_REPORTED_AT = "phone_reported_at";
    public static final String LOCATION = "location";
    public static final String DESCRIPTION = "description";
    public static final String MEASURES = "measures";
    public static final String DEATHS = "deaths";
    public static final String INJURED = "injured";
    public static final String MISSING = "missing";
    public static final String REPORTER = "reporter";
    public static final String PHONE = "phone";

    private DutyReportPayload() {
    }

    public static KuraPayload encode(DutyReport r) {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(r.filedAt().toEpochMilli())
                .metric(ID, r.id())
                .metric(UNIT, r.unit().toString())
                .metric(INCIDENT, r.incident())
                .metric(KIND, r.kind().name())
                .metric(NUMBER, r.number())
                .metric(LEVEL, r.level().name())
                .metric(STATUS, r.status().name())
                .metric(CATEGORY, r.category().name())
                .metric(TITLE, r.title())
                .metric(OCCURRED_AT, r.occurredAt().toEpochMilli())
                .metric(FILED_AT, r.filedAt().toEpochMilli())
                .metric(LOCATION, r.location())
                .metric(DESCRIPTION, r.description())
                .metric(MEASURES, r.measures())
                .metric(DEATHS, r.casualties().deaths())
                .metric(INJURED, r.casualties().injured())
                .metric(MISSING, r.casualties().missing())
                .metric(REPORTER, r.reporter())
                .metric(PHONE, r.phone());
        if (r.phoneReportedAt() != null) {
            b.metric(PHONE_REPORTED_AT, r.phoneReportedAt().toEpochMilli());
        }
        return b.build();
    }

    /**
     * Reads a report.
     *
     * @throws DutyInputException naming the metric that is missing, of the wrong type, or wrong
     */
    public static DutyReport decode(KuraPayload p) {
        String unitText = string(p, UNIT, true);
        UnitCode unit;
        try {
            unit = UnitCode.parse(unitText);
        } catch (IllegalArgumentException e) {
            throw new DutyInputException("unit", "metric 'unit': " + e.getMessage());
        }
        return new DutyReport(string(p, ID, true), unit, string(p, INCIDENT, true),
                ReportKind.parse(string(p, KIND, false)), (int) number(p, NUMBER, true, Integer.MAX_VALUE),
                ReportLevel.parse(string(p, LEVEL, false)), ReportStatus.parse(string(p, STATUS, false)),
                EventCategory.parse(string(p, CATEGORY, false)), string(p, TITLE, false),
                time(p, OCCURRED_AT, true), time(p, FILED_AT, true), time(p, PHONE_REPORTED_AT, false),
                string(p, LOCATION, false), string(p, DESCRIPTION, false), string(p, MEASURES, false),
                new DutyReport.Casualties((int) number(p, DEATHS, false, Integer.MAX_VALUE), (int) number(p, INJURED, false, Integer.MAX_VALUE),
                        (int) number(p, MISSING, false, Integer.MAX_VALUE)),
                string(p, REPORTER, false), string(p, PHONE, false));
    }

    private static String string(KuraPayload p, String name, boolean required) {
        Object v = p.metric(name);
        if (v == null) {
            if (required) {
                throw new DutyInputException(name, "metric '" + name + "' is missing");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new DutyInputException(name, "metric '" + name + "' must be a STRING, got " + v.getClass().getSimpleName());
        }
        return s;
    }

    private static long number(KuraPayload p, String name, boolean required, long max) {
        Object v = p.metric(name);
        if (v == null) {
            if (required) {
                throw new DutyInputException(name, "metric '" + name + "' is missing");
            }
            return 0;
        }
        if (!(v instanceof Long || v instanceof Integer)) {
            throw new DutyInputException(name, "metric '" + name + "' must be INT32 or INT64, got " + v.getClass().getSimpleName());
        }
        long n = ((Number) v).longValue();
        if (n < 0 || n > max) {
            throw new DutyInputException(name, "metric '" + name + "' must be 0.." + max + ", got " + n);
        }
        return n;
    }

    private static Instant time(KuraPayload p, String name, boolean required) {
        Object v = p.metric(name);
        if (v == null && !required) {
            return null;
        }
        return Instant.ofEpochMilli(number(p, name, true, Long.MAX_VALUE));
    }
}
