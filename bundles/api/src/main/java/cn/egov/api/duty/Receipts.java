package cn.egov.api.duty;

import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.util.List;

/**
 * The manager's receipts for one unit's recent reports, sent whole each time one changes
 * (retained, so a box that was offline gets the newest at connect and needs no catch-up).
 *
 * @param unit     the unit
 * @param issuedAt when the manager made this list; a box ignores an older one than it has
 * @param receipts newest reports first; at most {@value #MAX_RECEIPTS}
 */
public record Receipts(UnitCode unit, Instant issuedAt, List<ReportReceipt> receipts) {

    /** Most receipts in one message. */
    public static final int MAX_RECEIPTS = 500;

    public Receipts {
        java.util.Objects.requireNonNull(unit, "unit");
        java.util.Objects.requireNonNull(issuedAt, "issuedAt");
        if (receipts.size() > MAX_RECEIPTS) {
            throw new DutyInputException("receipts", receipts.size() + " receipts, at most " + MAX_RECEIPTS);
        }
        receipts = List.copyOf(receipts);
    }
}
