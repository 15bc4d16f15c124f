package cn.egov.manager.fleet;

import java.util.Optional;

/**
 * When a connected box is MISSING: no health for {@code factor} × its own health interval, counted
 * from its last health or, when later, from when it became CONNECTED (a box just connected is given
 * the full allowance).
 *
 * @param factor health intervals allowed without health ({@code fleet.missing-factor})
 */
public record MissingRule(int factor) {

    /** The cause to record when the box is overdue at {@code now}, else empty. */
    public Optional<String> overdue(long statusSince, long lastHealth, int healthIntervalS, long now) {
        long since = Math.max(lastHealth, statusSince);
        long allowedMs = (long) factor * healthIntervalS * 1000L;
        return now - since > allowedMs
                ? Optional.of("no health for " + (now - since) / 1000 + " s (" + factor + " × " + healthIntervalS + " s)")
                : Optional.empty();
    }
}
