package cn.egov.duty.console;

/**
 * One swap request of the roster page.
 *
 * @param pending true while nobody decided it
 */
public record SwapRow(long id, String shift, String toPerson, String reason, String requestedBy, String state, boolean pending) {
}
