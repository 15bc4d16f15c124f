package cn.egov.duty.console;

/**
 * One filed report with what became of it.
 *
 * @param id            its 31-character identifier
 * @param label         初报, 续报 2, 终报
 * @param level         its level (Chinese)
 * @param filed         when it was filed
 * @param filedBy       by whom
 * @param delivery      排队 queued / 已送达 delivered / 已签收 acknowledged / 已升级 escalated, in words
 * @param deliveryClass ok, warn or empty
 */
public record ReportRow(String id, String label, String level, String filed, String filedBy, String delivery, String deliveryClass) {
}
