package cn.egov.manager.taskbook;

/** Where a unit stands with one task. */
public enum TaskStatus {
    /** Done: the box's reports show it, or a person entered it done. */
    DONE("已完成"),
    /** Not done: the reports show otherwise, or a person entered it not done. */
    NOT_DONE("未完成"),
    /** A derived task the box reported nothing about this year. */
    NO_DATA("无数据"),
    /** A task entered by hand that nobody has entered this year. */
    NOT_ENTERED("未填报");

    public final String chinese;

    TaskStatus(String chinese) {
        this.chinese = chinese;
    }

    public String label() {
        return chinese + " " + name();
    }
}
