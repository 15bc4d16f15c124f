package cn.egov.manager.audit;

import java.util.List;

/**
 * One page of the audit log, newest first.
 *
 * @param entries the entries of the page
 * @param next    the cursor of the next (older) page ({@code before=}), or null when this is the last
 */
public record AuditPage(List<AuditEntry> entries, Long next) {
}
