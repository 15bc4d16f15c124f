package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowTableTest {

    @Test
    void growsAsKeysArriveAndKeepsEveryKeyUntilFull() {
        FlowTable t = new FlowTable(100_000);
        assertEquals(4096, t.slots(), "starts small");
        Random r = new Random(7);
        long[] keys = new long[100_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i == 0 ? 0L : r.nextLong(); // 0 is the empty marker inside: must still work as a key
            assertTrue(t.putIfAbsent(keys[i], i));
        }
        assertEquals(100_000, t.size());
        assertEquals(262_144, t.slots(), "load factor at most 0.5, never more slots than the capacity needs");
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i, t.get(keys[i]), "key " + i);
        }
        assertFalse(t.putIfAbsent(keys[5], 99));
        assertEquals(5, t.get(keys[5]), "a present key keeps its value");
        assertEquals(0, t.overflows());

        assertTrue(t.putIfAbsent(42L, 1), "one more than the capacity: cleared, then added");
        assertEquals(1, t.overflows());
        assertEquals(1, t.size());
        assertEquals(FlowTable.ABSENT, t.get(keys[1]));
        assertEquals(1, t.get(42L));
        assertEquals(262_144, t.slots(), "cleared, not shrunk");
    }

    @Test
    void aSmallTableNeverGrowsPastItsCapacity() {
        FlowTable t = new FlowTable(3);
        for (long k = 1; k <= 10; k++) {
            t.putIfAbsent(k, (int) k);
        }
        assertEquals(8, t.slots());
        assertEquals(3, t.overflows());
        assertEquals(1, t.size());
        assertEquals(10, t.get(10L));
    }
}
