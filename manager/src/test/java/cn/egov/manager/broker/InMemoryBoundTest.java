package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The broker never holds more undelivered messages in memory than a share of the heap, whatever is configured. */
class InMemoryBoundTest {

    private static final long GIB = 1L << 30;

    @Test
    void theConfiguredBoundHoldsWhenTheHeapIsLarge() {
        assertEquals(2 * GIB, ArtemisBroker.inMemoryBound(2 * GIB, 16 * GIB));
    }

    @Test
    void aSmallHeapLowersTheBoundSoAStormPagesInsteadOfFillingTheHeap() {
        assertEquals(GIB / ArtemisBroker.HEAP_SHARE_DIVISOR, ArtemisBroker.inMemoryBound(2 * GIB, GIB));
    }
}
