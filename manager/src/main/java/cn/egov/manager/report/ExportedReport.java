package cn.egov.manager.report;

import cn.egov.manager.export.EvidenceDigest;

/**
 * A report as it leaves the manager: the evidence, when it was collected, its SHA-256 and who
 * asked for it.
 *
 * @param report      the evidence (what the hash covers)
 * @param collectedAt when the store was read (ms since the epoch)
 * @param digest      the evidence as canonical JSON and its SHA-256
 * @param exportedBy  the account (and role) that exported it
 */
public record ExportedReport(AuditReport report, long collectedAt, EvidenceDigest digest, String exportedBy) {

    public static ExportedReport of(AuditReport report, long collectedAt, String exportedBy) {
        return new ExportedReport(report, collectedAt, EvidenceDigest.of(report), exportedBy);
    }

    /** {@code audit-report-1306-2026-01-01-2026-03-31}: a file name without spaces or Chinese. */
    public String fileStem() {
        return "audit-report-" + report.scope() + "-" + report.from() + "-" + report.to();
    }
}
