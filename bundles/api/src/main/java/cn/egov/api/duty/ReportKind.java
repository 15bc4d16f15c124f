package cn.egov.api.duty;

import java.util.Locale;

/**
 * Where a report stands in its incident's chain: 初报 opens it, numbered 续报 follow, 终报 (or
 * 撤报, a report withdrawn as filed in error) closes it. Each maps to a CAP {@code msgType}.
 */
public enum ReportKind {
    /** 初报: the first written report; number 0; CAP Alert. */
    INITIAL("初报", "Alert"),
    /** 续报: a follow-up, numbered 1, 2, ... in order; CAP Update. */
    FOLLOW_UP("续报", "Update"),
    /** 终报: the final report; closes the incident; CAP Update. */
    FINAL("终报", "Update"),
    /** 撤报: withdraws the incident's reports (filed in error); closes the incident; CAP Cancel. */
    CANCEL("撤报", "Cancel");

    private final String chinese;
    private final String capMsgType;

    ReportKind(String chinese, String capMsgType) {
        this.chinese = chinese;
        this.capMsgType = capMsgType;
    }

    public String chinese() {
        return chinese;
    }

    /** The CAP 1.2 {@code msgType} value. */
    public String capMsgType() {
        return capMsgType;
    }

    /** True for the kinds after which an incident takes no further report. */
    public boolean closes() {
        return this == FINAL || this == CANCEL;
    }

    /** A kind from its English name ({@code follow_up}, {@code FOLLOW-UP}) or its Chinese name. */
    public static ReportKind parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DutyInputException("kind", "the report has no kind (初报, 续报, 终报 or 撤报)");
        }
        String t = text.strip();
        for (ReportKind k : values()) {
            if (k.chinese.equals(t) || k.name().equals(t.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return k;
            }
        }
        throw new DutyInputException("kind", "unknown kind '" + t + "' (初报, 续报, 终报 or 撤报)");
    }
}
