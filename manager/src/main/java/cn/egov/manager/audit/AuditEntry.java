package cn.egov.manager.audit;

/**
 * One line of the audit log: who did what to what, when, from where, and how it ended
 * (classified protection 2.0: time, user, event, outcome).
 *
 * @param time    ms since the epoch
 * @param actor   account name, API-token user ({@code noc}, {@code auditor}) or {@code cli:<os user>}
 * @param role    the actor's role label, or {@code cli}
 * @param action  what was attempted, e.g. {@code plan.import}, {@code plan.rollback}, {@code policy.publish},
 *                {@code account.add}
 * @param target  what it was done to (a plan version, a policy scope, an account), or empty
 * @param outcome {@link Outcome}
 * @param detail  one sentence: why refused, what changed
 * @param source  the client's address, or {@code local} for the command line
 */
public record AuditEntry(long time, String actor, String role, String action, String target, Outcome outcome, String detail,
                         String source) {

    /** How an audited action ended. */
    public enum Outcome {
        /** Done. */
        SUCCESS,
        /** Refused: not allowed, invalid input, or it needs a confirmation. */
        REFUSED,
        /** Attempted and failed on the manager's side. */
        FAILED
    }
}
