package cn.egov.duty;

/** The actor may not do this (wrong role, another unit, approving one's own swap): answered 403. */
public final class DutyForbiddenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DutyForbiddenException(String message) {
        super(message);
    }
}
