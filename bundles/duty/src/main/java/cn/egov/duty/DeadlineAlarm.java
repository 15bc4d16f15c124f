package cn.egov.duty;

import cn.egov.api.duty.DutyTopics;

/**
 * The deadline alarms one incident can raise, each once (kept as bits in the store, so that a
 * restart does not repeat them): a warning before the phone or written deadline, and the miss.
 */
public enum DeadlineAlarm {
    PHONE_APPROACHING(DutyTopics.DEADLINE_APPROACHING, "phone"),
    PHONE_MISSED(DutyTopics.DEADLINE_MISSED, "phone"),
    WRITTEN_APPROACHING(DutyTopics.DEADLINE_APPROACHING, "written"),
    WRITTEN_MISSED(DutyTopics.DEADLINE_MISSED, "written");

    public final String kind;
    /** Which deadline: {@code phone} or {@code written}. */
    public final String deadline;

    DeadlineAlarm(String kind, String deadline) {
        this.kind = kind;
        this.deadline = deadline;
    }

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int bits) {
        return (bits & bit()) != 0;
    }
}
