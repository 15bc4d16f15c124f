package cn.egov.manager.account;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a person (an account) or an API token may do at the manager. Every role but
 * {@link #TECHNICIAN} sees the whole province; a technician sees only the counties of the account.
 */
public enum Role {
    /** Provincial NOC operator: fleet, metrics, alarms, tunnels; imports the plan, signs policy. */
    NOC("noc", false),
    /** Auditor: fleet, evidence and the audit log, read-only. */
    AUDITOR("auditor", false),
    /** County technician: the boxes, alarms and plan entries of the account's counties only. */
    TECHNICIAN("technician", true),
    /** Duty officer (值班): the fleet's state, read-only, province-wide. */
    DUTY_OFFICER("duty-officer", false),
    /** Administrator: accounts and the audit log; no fleet data. */
    ADMIN("admin", false);

    /** The role's name on the command line and in JSON; for the token roles also the Basic user name. */
    public final String label;
    /** True when an account of this role must name the counties it is bound to. */
    public final boolean countyBound;

    Role(String label, boolean countyBound) {
        this.label = label;
        this.countyBound = countyBound;
    }

    public static Optional<Role> byLabel(String label) {
        return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
    }
}
