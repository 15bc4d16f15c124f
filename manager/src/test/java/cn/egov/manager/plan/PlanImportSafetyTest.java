package cn.egov.manager.plan;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import cn.egov.manager.support.StoreKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import cannot wipe or gut the plan by mistake: odd file names, empty plans and big drops are
 * refused with the plan in force unchanged; a confirmed drop goes in; every import is a version that
 * can be rolled back. On SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class PlanImportSafetyTest {

    @Parameter
    StoreKind kind;


    @TempDir
    Path dir;

    private Database db;
    private PlanStore store;
    private Map<String, String> province;

    @BeforeEach
    void provincePlanInForce() throws Exception {
        db = kind.open(dir);
        store = new PlanStore(db, 0.2);
        assertTrue(store.importPath(Path.of("../rules/plan"), 1000L).accepted());
        province = new LinkedHashMap<>(store.current().orElseThrow().files());
    }

    private int allocations() {
        return store.current().orElseThrow().plan().allocations().size();
    }

    /** The Hebei file without the allocation lines whose owner starts with one of {@code prefixes}. */
    private Map<String, String> without(String... prefixes) throws Exception {
        String hebei = Files.readString(Path.of("../rules/plan/20-hebei.plan"));
        String kept = hebei.lines().filter(l -> {
            for (String p : prefixes) {
                if (l.startsWith("alloc " + p)) {
                    return false;
                }
            }
            return true;
        }).collect(Collectors.joining("\n", "", "\n"));
        Map<String, String> files = new LinkedHashMap<>(province);
        files.put("20-hebei.plan", kept);
        return files;
    }

    @Test
    void theEmptyNameWipeIsRefusedAndThePlanStays() throws Exception {
        int before = allocations();
        PlanStore.ImportResult wipe = store.importFiles(Map.of("", ""), 2000L, "noc", false);
        assertFalse(wipe.accepted());
        assertEquals(PlanStore.Refusal.BAD_NAME, wipe.refusal());
        for (String name : new String[]{"../x.plan", "a/b.plan", ".hidden.plan", "x.txt", "x.plan\n"}) {
            assertEquals(PlanStore.Refusal.BAD_NAME, store.importFiles(Map.of(name, province.get("00-zones.plan")), 2000L, "noc", true)
                    .refusal(), name);
        }
        assertEquals(before, allocations());
        assertEquals(1, store.current().orElseThrow().version());
    }

    @Test
    void aPlanWithoutAllocationsOrAggregatesIsRefusedEvenConfirmed() throws Exception {
        int before = allocations();
        PlanStore.ImportResult empty = store.importFiles(Map.of("x.plan", ""), 2000L, "noc", true);
        assertEquals(PlanStore.Refusal.EMPTY, empty.refusal(), empty.message());
        PlanStore.ImportResult zonesOnly = store.importFiles(Map.of("00-zones.plan", province.get("00-zones.plan")), 2000L, "noc", true);
        assertEquals(PlanStore.Refusal.EMPTY, zonesOnly.refusal(), zonesOnly.message());
        assertTrue(zonesOnly.message().contains("0 allocation(s)"), zonesOnly.message());
        assertEquals(before, allocations());
        assertEquals(1, store.versions().size(), "no version was written");
    }

    @Test
    void aBigDropNeedsConfirmationAndRollbackRestores() throws Exception {
        int before = allocations();
        // one county's blocks: well under a fifth of the plan, goes in unasked
        PlanStore.ImportResult small = store.importFiles(without("130109 "), 2000L, "noc", false);
        assertTrue(small.accepted(), small.message());
        assertEquals(before - 3, allocations(), small.message());
        int afterSmall = allocations();
        // five cities' blocks: more than a fifth
        Map<String, String> gutted = without("1301", "1302", "1303", "1304", "1305");
        PlanStore.ImportResult big = store.importFiles(gutted, 3000L, "noc", false);
        assertFalse(big.accepted(), big.message());
        assertEquals(PlanStore.Refusal.DROP_NOT_CONFIRMED, big.refusal());
        assertTrue(big.dropped() > 0.2 * afterSmall, big.dropped() + " of " + afterSmall);
        assertEquals(afterSmall, allocations(), "unchanged while unconfirmed");
        PlanStore.ImportResult confirmed = store.importFiles(gutted, 4000L, "noc", true);
        assertTrue(confirmed.accepted(), confirmed.message());
        assertEquals(afterSmall - big.dropped(), allocations());
        assertEquals(3, store.current().orElseThrow().version());

        PlanStore.ImportResult back = store.rollback(5000L, "noc");
        assertTrue(back.accepted(), back.message());
        assertEquals(afterSmall, allocations(), "the plan before the confirmed drop is in force again");
        assertEquals(4, store.current().orElseThrow().version());
        assertEquals("rollback to version 2", store.versions().get(0).note());
        // a restart serves the rolled-back plan
        assertEquals(afterSmall, new PlanStore(db, 0.2).current().orElseThrow().plan().allocations().size());
    }

    @Test
    void rollbackWithNothingEarlierIsRefused() throws Exception {
        Database fresh = kind.open(Files.createDirectories(dir.resolve("fresh")));
        PlanStore s = new PlanStore(fresh, 0.2);
        assertEquals(PlanStore.Refusal.NO_EARLIER_VERSION, s.rollback(1L, "noc").refusal());
        assertTrue(s.importPath(Path.of("../rules/plan"), 1000L).accepted());
        assertEquals(PlanStore.Refusal.NO_EARLIER_VERSION, s.rollback(2L, "noc").refusal());
        assertTrue(s.current().isPresent());
    }
}
