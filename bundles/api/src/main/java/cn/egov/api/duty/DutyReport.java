package cn.egov.api.duty;

import cn.egov.rules.unit.UnitCode;
import java.time.Duration;
import java.time.Instant;

/**
 * One written report about a major event or emergency, as the box files it and the manager keeps
 * it. A report is checked on its own when it is built (every field, every bound); whether it fits
 * its incident's earlier reports is {@link ReportSequence}'s check.
 *
 * <pre>{@code
 * DutyReport first = new DutyReport(id, unit, id, ReportKind.INITIAL, 0, ReportLevel.MAJOR, ReportStatus.ACTUAL,
 *         EventCategory.ACCIDENT, "某化工厂爆炸", occurredAt, filedAt, null, "竞秀区某路12号", "……", "……",
 *         new DutyReport.Casualties(0, 3, 0), "张三", "0312-1234567");
 * }</pre>
 *
 * @param id              this report's 31-character {@link CapIdentifier}
 * @param unit            the reporting unit; the identifier is that unit's
 * @param incident        the identifier of the incident's 初报 (equal to {@code id} for the 初报 itself)
 * @param kind            初报, 续报, 终报 or 撤报
 * @param number          0 for the 初报, then 1, 2, ... for each later report of the incident, in order
 * @param level           特别重大 ... 一般; required
 * @param status          Actual, Exercise or Test
 * @param category        the class of event
 * @param title           what happened, one line (CAP {@code event}); at most {@value #MAX_TITLE} characters
 * @param occurredAt      the recorded time of the event, from which deadlines count
 * @param filedAt         when this report was filed at the box
 * @param phoneReportedAt when the event was reported by phone, or null
 * @param location        where; at most {@value #MAX_LOCATION} characters
 * @param description     the account; at most {@value #MAX_DESCRIPTION} characters, lines allowed
 * @param measures        measures taken; at most {@value #MAX_MEASURES} characters, lines allowed
 * @param casualties      deaths, injured, missing
 * @param reporter        who filed it; at most {@value #MAX_PERSON} characters
 * @param phone           how to call back; at most {@value #MAX_PHONE} characters
 */
public record DutyReport(String id, UnitCode unit, String incident, ReportKind kind, int number, ReportLevel level,
                         ReportStatus status, EventCategory category, String title, Instant occurredAt, Instant filedAt,
                         Instant phoneReportedAt, String location, String description, String measures, Casualties casualties,
                         String reporter, String phone) {

    // Bounds keep a report within one MQTT message and below the manager's bound on a string metric (4,096).
    public static final int MAX_TITLE = 100;
    public static final int MAX_LOCATION = 200;
    public static final int MAX_DESCRIPTION = 4000;
    public static final int MAX_MEASURES = 2000;
    public static final int MAX_PERSON = 50;
    public static final int MAX_PHONE = 32;
    /** Clocks of box and duty officer may differ a little; an event later than this after filing is a typing error. */
    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    /** Largest casualty count accepted (a typing error beyond). */
    public static final int MAX_COUNT = 1_000_000;

    /**
     * People affected.
     *
     * @param deaths  死亡
     * @param injured 受伤
     * @param missing 失踪
     */
    public record Casualties(int deaths, int injured, int missing) {
        public static final Casualties NONE = new Casualties(0, 0, 0);

        public Casualties {
            count("deaths", deaths);
            count("injured", injured);
            count("missing", missing);
        }

        private static void count(String field, int n) {
            if (n < 0 || n > MAX_COUNT) {
                throw new DutyInputException(field, field + " must be 0.." + MAX_COUNT + ", got " + n);
            }
        }
    }

    public DutyReport {
        CapIdentifier own = CapIdentifier.parse(id);
        if (unit == null) {
            throw new DutyInputException("unit", "the report names no unit");
        }
        if (!own.unit().equals(unit)) {
            throw new DutyInputException("id", "identifier " + id + " belongs to unit " + own.unit() + ", the report names " + unit);
        }
        CapIdentifier first = CapIdentifier.parse(incident);
        if (!first.unit().equals(unit)) {
            throw new DutyInputException("incident", "incident " + incident + " belongs to unit " + first.unit() + ", not to " + unit);
        }
        if (kind == null) {
            throw new DutyInputException("kind", "the report has no kind (初报, 续报, 终报 or 撤报)");
        }
        if (kind == ReportKind.INITIAL && number != 0) {
            throw new DutyInputException("number", "a 初报 has number 0, got " + number);
        }
        if (kind == ReportKind.INITIAL && !incident.equals(id)) {
            throw new DutyInputException("incident", "a 初报 is its own incident: incident must be " + id);
        }
        if (kind != ReportKind.INITIAL && (number < 1 || incident.equals(id))) {
            throw new DutyInputException("number", "a " + kind.chinese() + " has a number from 1 and follows its incident's 初报");
        }
        if (level == null) {
            throw new DutyInputException("level", "the report has no level (特别重大, 重大, 较大 or 一般)");
        }
        status = status == null ? ReportStatus.ACTUAL : status;
        if (category == null) {
            throw new DutyInputException("category", "the report has no category (自然灾害, 事故灾难, 公共卫生事件 or 社会安全事件)");
        }
        title = DutyText.line("title", title, MAX_TITLE, true);
        if (occurredAt == null) {
            throw new DutyInputException("occurredAt", "the report has no time of the event");
        }
        if (filedAt == null) {
            throw new DutyInputException("filedAt", "the report has no filing time");
        }
        if (occurredAt.isAfter(filedAt.plus(FUTURE_TOLERANCE))) {
            throw new DutyInputException("occurredAt", "the event time " + occurredAt + " is after the filing time " + filedAt);
        }
        if (phoneReportedAt != null && phoneReportedAt.isBefore(occurredAt)) {
            throw new DutyInputException("phoneReportedAt", "the phone report " + phoneReportedAt + " is before the event " + occurredAt);
        }
        location = DutyText.line("location", location, MAX_LOCATION, false);
        description = DutyText.text("description", description, MAX_DESCRIPTION);
        measures = DutyText.text("measures", measures, MAX_MEASURES);
        casualties = casualties == null ? Casualties.NONE : casualties;
        reporter = DutyText.line("reporter", reporter, MAX_PERSON, true);
        phone = DutyText.line("phone", phone, MAX_PHONE, false);
    }

    /** The identifier as a value. */
    public CapIdentifier identifier() {
        return CapIdentifier.parse(id);
    }

    /** The report's name as a duty officer says it: 初报, 续报 2, 终报. */
    public String label() {
        return kind == ReportKind.FOLLOW_UP ? kind.chinese() + " " + number : kind.chinese();
    }
}
