package cn.egov.manager.evidence;

import cn.egov.api.time.BeijingTime;
import java.time.Instant;

/** Times as exports print them: Beijing time to the second. */
public final class Times {

    /**
     * The label of an export's collection time, naming the zone once for every time in the document
     * (the data's times are printed the same way), as the CLI's tables name it in a column header.
     */
    public static final String COLLECTED = "数据采集时间（北京时间 UTC+8，下同）Data collected (Beijing time UTC+8 here and below)";

    private Times() {
    }

    /** {@code 2026-03-30 12:00:00}, or {@code 从未 never} for 0. */
    public static String format(long millis) {
        return millis <= 0 ? "从未 never" : BeijingTime.of(Instant.ofEpochMilli(millis));
    }
}
