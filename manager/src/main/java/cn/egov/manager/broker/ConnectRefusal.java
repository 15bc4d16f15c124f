package cn.egov.manager.broker;

/** Why the broker refused a CONNECT; each is counted as {@code broker.refused.<label>}. */
public enum ConnectRefusal {
    /** No credentials at all (no certificate, no user name). */
    ANONYMOUS("anonymous"),
    /** A wrong password, or a certificate that is not a valid, unrevoked one of the provincial CA. */
    BAD_CREDENTIALS("bad-credentials"),
    /** A unit with no credential issued for it (not in the lab listener's password file). */
    NOT_ENROLLED("not-enrolled"),
    /** The client id is not the identity it authenticated as (another box's id, or a unit code used by a NOC client). */
    CLIENT_ID_MISMATCH("client-id-mismatch"),
    /** The manager's own client id, from a listener other than the internal one. */
    RESERVED_CLIENT_ID("reserved-client-id"),
    /** A unit code that is not a division of the province. */
    OUTSIDE_PROVINCE("outside-province"),
    /** A unit the address plan in force does not declare. */
    NOT_IN_PLAN("not-in-plan"),
    /** A last will on a topic the client could not publish on itself. */
    FORBIDDEN_WILL("forbidden-will"),
    /** A persistent session (cleanSession=false) asked for by a client that is neither a box nor the manager. */
    PERSISTENT_SESSION("persistent-session");

    /** Stable short name: metric suffix and log word. */
    public final String label;

    ConnectRefusal(String label) {
        this.label = label;
    }
}
