package cn.egov.manager.broker;

import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a withdrawn credential take effect on connections that are already open. A connection is
 * judged at its CONNECT, and a box stays connected for weeks; a revocation ({@code manager ca
 * revoke}, another process) or a line removed from a password file must not wait for its next
 * CONNECT. Every {@code broker.credential-check-ms} the watch reads a stamp of what the judgement
 * depends on (the CA register's revocation count, the password files' stamps: one cheap read each);
 * when it changed, the broker judges every open connection again and closes those now refused.
 */
public final class CredentialWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialWatch.class);

    private final Supplier<Object> stamp;
    private final IntSupplier closeWithdrawn;
    private Object last;

    /**
     * @param stamp          equal values mean nothing a connection was judged on has changed
     * @param closeWithdrawn judges the open connections again; returns how many it closed
     */
    public CredentialWatch(Supplier<Object> stamp, IntSupplier closeWithdrawn) {
        this.stamp = Objects.requireNonNull(stamp, "stamp");
        this.closeWithdrawn = Objects.requireNonNull(closeWithdrawn, "closeWithdrawn");
        this.last = stamp.get();
    }

    /** One check; runs on the manager's timer thread. */
    @Override
    public void run() {
        try {
            Object now = stamp.get();
            if (now.equals(last)) {
                return;
            }
            int closed = closeWithdrawn.getAsInt();
            // the stamp was read before the sweep: a change during it is seen at the next check
            last = now;
            if (closed > 0) {
                LOG.warn("closed {} broker connection(s) whose certificate was revoked or whose password was withdrawn", closed);
            }
        } catch (RuntimeException e) {
            // the CA register unreadable for a moment: try again at the next check, with the old stamp
            LOG.warn("credential check failed, retried at the next one: {}", e.toString());
        }
    }
}
