package cn.egov.duty.console;

/**
 * One event on the duty officer's page, with its deadlines as they stand now.
 *
 * @param key          the event's number on the box
 * @param title        what happened
 * @param level        its level (Chinese)
 * @param status       实际 / 演练 / 测试
 * @param category     its class
 * @param occurred     the recorded time of the event
 * @param phone        the phone report: done at, due at, or not needed
 * @param phoneClass   ok, warn or bad
 * @param phoneNeeded  the event's level needs a phone report (else the page offers no "电话已报")
 * @param written      the written 初报: filed at, or due at
 * @param writtenClass ok, warn or bad
 * @param reports      how many reports were filed
 * @param closed       after its 终报 or 撤报
 * @param incidentId   the 初报's identifier, or empty
 */
public record EventRow(long key, String title, String level, String status, String category, String occurred, String phone,
                       String phoneClass, boolean phoneNeeded, String written, String writtenClass, int reports, boolean closed, String incidentId) {

    /** The row's style: the worst of its two deadlines. */
    public String rowClass() {
        return "bad".equals(phoneClass) || "bad".equals(writtenClass) ? "bad"
                : "warn".equals(phoneClass) || "warn".equals(writtenClass) ? "warn" : "";
    }
}
