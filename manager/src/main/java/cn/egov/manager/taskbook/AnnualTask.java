package cn.egov.manager.taskbook;

/**
 * The province's yearly tasks of every unit (年度建设任务书): whether each is done is derived
 * from what the unit's box reports where it can be ({@link #derived}); the others are entered by
 * hand after an inspection, with a note and the person who entered them.
 */
public enum AnnualTask {
    BACKBONE("接入省电子政务骨干网", "Connected to the provincial backbone", true),
    ISOLATION("内外网隔离策略在用", "Isolation policy in force", true),
    ADDRESS_PLAN("执行IP地址与域名规划", "Address and domain plan followed", true),
    CA_CERTIFICATE("使用省级CA证书", "Provincial CA certificate in use", true),
    PORTAL("内部网站运行", "Internal website running", true),
    EXCHANGE("公文交换在用", "Document exchange in use", true),
    DUTY("值班系统在用", "Duty system in use", true),
    PHYSICAL_ISOLATION("内网与互联网物理隔离", "Internal network physically apart from the Internet", false),
    SECURITY_RULES("安全管理制度落实", "Security management rules in place", false),
    TRAINING("人员培训", "Staff trained", false);

    public final String chinese;
    public final String english;
    /** True when telemetry decides it; false when a person enters it. */
    public final boolean derived;

    AnnualTask(String chinese, String english, boolean derived) {
        this.chinese = chinese;
        this.english = english;
        this.derived = derived;
    }

    public String title() {
        return chinese + " " + english;
    }
}
