package cn.egov.manager.policy;

import cn.egov.manager.web.Caller;

/** What of the isolation reports a caller may see: a technician, the units of the account's counties. */
final class PolicyVisibility {

    private PolicyVisibility() {
    }

    static PolicyQueries.AlarmFilter limit(PolicyQueries.AlarmFilter f, Caller caller) {
        return caller.provinceWide() ? f : f.within(caller.counties());
    }

    /** The one answer for "no report from that unit" and "not yours". */
    static String noReport(String unit) {
        return "no isolation policy report from unit '" + (unit.matches("[0-9A-Za-z-]{1,32}") ? unit : "?")
                + "' among the units you may see";
    }
}
