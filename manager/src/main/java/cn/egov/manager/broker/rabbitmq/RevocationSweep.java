package cn.egov.manager.broker.rabbitmq;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the RabbitMQ connections of a unit whose certificate was revoked, the {@code broker.mode =
 * rabbitmq} counterpart of the embedded broker's {@code CredentialWatch}: RabbitMQ asks the manager
 * at each CONNECT, but a box stays connected for weeks. Every {@code broker.credential-check-ms} (on
 * the node holding the singleton) it reads the CA register's revocation count; when it changed, it
 * takes the units of the certificates revoked since the last change and closes every connection of
 * each. RabbitMQ does not say which certificate a connection logged in with, so a unit that also
 * holds a good certificate loses its connections too: its box reconnects with that one (the nodes'
 * CRL check refuses the revoked one at the handshake), while a unit the register now refuses stays
 * out. It closes them once more at the next check: a CONNECT judged just before the revocation may
 * still have been opening at the first close.
 */
public final class RevocationSweep implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSweep.class);
    private static final int SWEEPS_PER_CHANGE = 2;
    /** Revocation times come from the process that revoked (the CA's clock); allow for its difference to ours. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    private final Supplier<Object> stamp;
    private final Function<Instant, Collection<String>> revokedUnitsSince;
    private final RabbitMqConnections connections;
    private final Clock clock;
    private Object last;
    private Instant since;
    private Instant nextSince;
    private int sweepsLeft;
    private final LongAdder closures = new LongAdder();

    /**
     * @param stamp             equal values mean no revocation since (the register's revocation count)
     * @param revokedUnitsSince the units of the certificates revoked at or after a time
     */
    public RevocationSweep(Supplier<Object> stamp, Function<Instant, Collection<String>> revokedUnitsSince,
                           RabbitMqConnections connections, Clock clock) {
        this.stamp = Objects.requireNonNull(stamp, "stamp");
        this.revokedUnitsSince = Objects.requireNonNull(revokedUnitsSince, "revokedUnitsSince");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.instant().minus(CLOCK_SLACK);
        this.last = stamp.get();
    }

    /** Units whose connections were closed (each sweep counts). */
    public long closures() {
        return closures.sum();
    }

    @Override
    public void run() {
        try {
            Instant readAt = clock.instant();
            Object now = stamp.get();
            if (!now.equals(last)) {
                last = now;
                sweepsLeft = SWEEPS_PER_CHANGE;
                // a revocation after this read changes the stamp again and is found from here on
                nextSince = readAt.minus(CLOCK_SLACK);
            }
            if (sweepsLeft > 0) {
                sweep();
                if (--sweepsLeft == 0) {
                    since = nextSince;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a node or the register unreachable for a moment: the same sweep again at the next check
            LOG.warn("rabbitmq revocation sweep failed, retried at the next check: {}", e.toString());
        }
    }

    private void sweep() throws Exception {
        for (String unit : new TreeSet<>(revokedUnitsSince.apply(since))) {
            connections.closeUser(unit, "egov: a certificate of " + unit + " was revoked");
            closures.increment();
            if (sweepsLeft == SWEEPS_PER_CHANGE) {
                LOG.warn("closed the RabbitMQ connections of unit {}: a certificate of it was revoked", unit);
            }
        }
    }
}
