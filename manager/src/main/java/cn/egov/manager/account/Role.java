package cn.egov.manager.web;

/**
 * Who is asking. Each role has its own secret ({@code auth.<role>.token}); in Basic auth the user
 * name is the role's {@link #user}.
 */
public enum Role {
    /** Provincial NOC operator: fleet, metrics, alarms, tunnels. */
    NOC("noc"),
    /** Auditor: fleet and evidence, read-only. */
    AUDITOR("auditor"),
    /** County technician: a single box's state, enrolment. */
    TECHNICIAN("technician");

    public final String user;

    Role(String user) {
        this.user = user;
    }
}
