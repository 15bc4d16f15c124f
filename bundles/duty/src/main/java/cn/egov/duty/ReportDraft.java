package cn.egov.duty;

import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;

/**
 * What a duty officer writes for one report of an incident; the desk adds the identifier, the
 * incident, the number, the times and the unit.
 *
 * @param kind        初报, 续报, 终报 or 撤报
 * @param number      the number the officer believes comes next, or null to let the desk number it
 * @param level       the level now (a 续报 may raise it); required
 * @param title       what happened; empty keeps the incident's title
 * @param location    where
 * @param description the account
 * @param measures    measures taken
 * @param casualties  deaths, injured, missing
 * @param reporter    who writes it
 * @param phone       how to call back
 */
public record ReportDraft(ReportKind kind, Integer number, ReportLevel level, String title, String location, String description,
                          String measures, DutyReport.Casualties casualties, String reporter, String phone) {
    public ReportDraft {
        if (kind == null) {
            throw new DutyInputException("kind", "the report has no kind (初报, 续报, 终报 or 撤报)");
        }
        if (level == null) {
            throw new DutyInputException("level", "the report has no level (特别重大, 重大, 较大 or 一般)");
        }
    }
}
