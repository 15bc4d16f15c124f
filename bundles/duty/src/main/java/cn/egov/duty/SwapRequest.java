package cn.egov.duty;

import java.time.Instant;

/**
 * A request to hand a shift to someone else. It changes the roster only once a duty lead (or a
 * technician) other than the requester approves it.
 *
 * @param id          the request's number
 * @param shiftId     the shift
 * @param toPerson    who takes the shift over
 * @param toPhone     their phone
 * @param reason      why
 * @param requestedBy the account that asked
 * @param requestedAt when
 * @param state       PENDING, APPROVED or REFUSED
 * @param decidedBy   who approved or refused it, or empty
 * @param decidedAt   when, or null
 */
public record SwapRequest(long id, String shiftId, String toPerson, String toPhone, String reason, String requestedBy,
                          Instant requestedAt, State state, String decidedBy, Instant decidedAt) {

    /** Longest reason accepted. */
    public static final int MAX_REASON = 200;

    public enum State { PENDING, APPROVED, REFUSED }
}
