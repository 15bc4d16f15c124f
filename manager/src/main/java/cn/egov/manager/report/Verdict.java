package cn.egov.manager.report;

/** What the auditor's report concludes about one item of one unit. */
public enum Verdict {
    /** The evidence shows the requirement met. */
    PASS("合格"),
    /** Met at the end of the period, with events to look at (a drift corrected, a probe that failed once). */
    WARN("关注"),
    /** The evidence shows the requirement not met. */
    FAIL("不合格"),
    /** Nothing was reported that could show either. */
    NO_DATA("无数据");

    /** The Chinese word on the page and in the exports. */
    public final String chinese;

    Verdict(String chinese) {
        this.chinese = chinese;
    }

    /** {@code 不合格 FAIL}. */
    public String label() {
        return chinese + " " + name();
    }

    /** The worse of two verdicts; {@link #NO_DATA} yields to any verdict drawn from data. */
    public Verdict worse(Verdict other) {
        if (this == NO_DATA) {
            return other;
        }
        if (other == NO_DATA) {
            return this;
        }
        return ordinal() >= other.ordinal() ? this : other;
    }
}
