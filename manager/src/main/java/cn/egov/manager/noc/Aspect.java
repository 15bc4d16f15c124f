package cn.egov.manager.noc;

/** What the overview shows of a unit's interconnection, one indicator each, in this order. */
enum Aspect {
    BOX("设备", "box", ""),
    TUNNEL("隧道", "tunnel", "vpn."),
    POLICY("策略", "policy", "isolation."),
    PLAN("规划", "plan", "addressplan."),
    CERTIFICATE("证书", "certificate", "pki."),
    PORTAL("门户", "portal", "portal."),
    DUTY("值班", "duty", "duty."),
    EXCHANGE("交换", "exchange", "exchange.");

    final String zh;
    final String en;
    /** Alarm kinds of this aspect start with this ("" for none). */
    final String alarmPrefix;

    Aspect(String zh, String en, String alarmPrefix) {
        this.zh = zh;
        this.en = en;
        this.alarmPrefix = alarmPrefix;
    }

    /** The aspect an alarm kind belongs to, or null. */
    static Aspect ofAlarm(String kind) {
        for (Aspect a : values()) {
            if (!a.alarmPrefix.isEmpty() && kind.startsWith(a.alarmPrefix)) {
                return a;
            }
        }
        return null;
    }

    public String zh() {
        return zh;
    }

    public String en() {
        return en;
    }
}
