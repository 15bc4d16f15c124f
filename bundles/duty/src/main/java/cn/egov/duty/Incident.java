package cn.egov.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import java.time.Instant;

/**
 * An event the duty officer has recorded (接报登记), from which its report deadlines count, with
 * the state of its reports.
 *
 * @param key             the box's own number for it
 * @param title           what happened
 * @param level           its level as last reported
 * @param category        its class
 * @param status          Actual, Exercise or Test
 * @param occurredAt      the recorded time of the event
 * @param registeredAt    when it was recorded on the box
 * @param registeredBy    who recorded it
 * @param phoneReportedAt when it was reported by phone, or null
 * @param incidentId      the identifier of its 初报 once filed, else null
 * @param closed          true after its 终报 or 撤报
 * @param alarmsRaised    which deadline alarms were raised already ({@link DeadlineAlarm} bits)
 */
public record Incident(long key, String title, ReportLevel level, EventCategory category, ReportStatus status, Instant occurredAt,
                       Instant registeredAt, String registeredBy, Instant phoneReportedAt, String incidentId, boolean closed,
                       int alarmsRaised) {

    /** True once the written 初报 is filed. */
    public boolean initialFiled() {
        return incidentId != null;
    }

    public DeadlineRules.Due due(DeadlineRules rules) {
        return rules.dueAt(level, occurredAt);
    }
}
