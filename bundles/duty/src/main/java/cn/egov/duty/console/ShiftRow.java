package cn.egov.duty.console;

/**
 * One shift of the roster page.
 *
 * @param now true while the shift is under way
 */
public record ShiftRow(String id, String start, String end, String role, String person, String phone, boolean now) {
}
