package cn.egov.duty.console;

/**
 * A shift offered in a form's choice of shifts (the swap request's, the shift form's known ids),
 * so that nobody types a shift id; the desk still checks the id that comes back.
 *
 * @param id    the shift's id, the value sent
 * @param label what the officer reads: id, Beijing time from–to, role and person
 */
public record ShiftChoice(String id, String label) {
}
