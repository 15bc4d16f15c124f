package cn.egov.manager.report;

/** The items the auditor's report judges for every unit, in the order it prints them. */
public enum ReportItem {
    POLICY("隔离策略版本与验证", "Policy in force, last verified"),
    DRIFT("策略漂移", "Drift events"),
    VIOLATIONS("违规行为", "Violations"),
    ROUTE_GUARD("路由防护", "Route guard"),
    ADDRESS_PLAN("地址规划符合性", "Address-plan conformance"),
    CERTIFICATE("证书状态", "Certificate status"),
    EXCHANGE("公文交换", "Exchange health"),
    DUTY("值班", "Duty health"),
    PORTAL("门户网站", "Portal health");

    public final String chinese;
    public final String english;

    ReportItem(String chinese, String english) {
        this.chinese = chinese;
        this.english = english;
    }

    public String title() {
        return chinese + " " + english;
    }
}
