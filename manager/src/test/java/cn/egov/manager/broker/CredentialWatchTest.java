package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CredentialWatchTest {

    @Test
    void sweepsOncePerChangeAndAgainAfterAFailedSweep() {
        AtomicLong revocations = new AtomicLong(3);
        AtomicInteger sweeps = new AtomicInteger();
        AtomicInteger failNext = new AtomicInteger();
        CredentialWatch watch = new CredentialWatch(revocations::get, () -> {
            sweeps.incrementAndGet();
            if (failNext.getAndSet(0) == 1) {
                throw new IllegalStateException("register locked");
            }
            return 0;
        });
        watch.run();
        assertEquals(0, sweeps.get(), "nothing changed since the start");
        revocations.incrementAndGet();
        watch.run();
        watch.run();
        assertEquals(1, sweeps.get(), "one sweep per change");
        revocations.incrementAndGet();
        failNext.set(1);
        watch.run();
        watch.run();
        assertEquals(3, sweeps.get(), "a failed sweep is done again at the next check");
        watch.run();
        assertEquals(3, sweeps.get());
    }

    @Test
    void anUnreadableStampIsTriedAgainWithoutASweep() {
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger sweeps = new AtomicInteger();
        CredentialWatch watch = new CredentialWatch(() -> {
            if (reads.incrementAndGet() == 2) {
                throw new IllegalStateException("the CA register cannot be read");
            }
            return reads.get() >= 3 ? "changed" : "start";
        }, sweeps::incrementAndGet);
        watch.run(); // throws inside, logged
        assertEquals(0, sweeps.get());
        watch.run();
        assertEquals(1, sweeps.get());
    }
}
