package cn.egov.manager.plan;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import cn.egov.manager.support.StoreKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@ParameterizedClass
@EnumSource(StoreKind.class)
/** The plan store on SQLite and PostgreSQL: import, refusal, restart. */
class PlanStoreTest {

    @Parameter
    StoreKind kind;


    @TempDir
    Path dir;

    @Test
    void importExportRestartAndRefusal() throws Exception {
        String url = kind.url(dir);
        try (Database db = kind.openUrl(url)) {
            PlanStore store = new PlanStore(db);
            assertTrue(store.current().isEmpty());
            PlanStore.ImportResult ok = store.importPath(Path.of("../rules/plan"), 1000L);
            assertTrue(ok.accepted(), ok.findings().toString());
            assertEquals(0, ok.errors());
            assertEquals(3, store.current().orElseThrow().files().size());
            assertEquals("130602-001", store.current().get().whois().ask("10.6.8.9").owner().code());

            // a plan with an error is refused, naming file and line, and the plan in force stays
            Map<String, String> bad = new LinkedHashMap<>(store.current().get().files());
            bad.put("30-bad.plan", "# planted\nalloc 130602-002 internal 10.6.16.0/25\n");
            PlanStore.ImportResult refused = store.importFiles(bad, 2000L);
            assertFalse(refused.accepted());
            assertTrue(refused.findings().get(0).toString().startsWith("30-bad.plan:2: error [foreign-space]"),
                    refused.findings().get(0).toString());
            assertEquals(1000L, store.current().get().importedAt());
            assertEquals(3, store.current().get().files().size());
        }
        // a restart serves the same plan from the database, files in the same order
        try (Database db = kind.openUrl(url)) {
            PlanStore again = new PlanStore(db);
            LoadedPlan p = again.current().orElseThrow();
            assertEquals(java.util.List.of("00-zones.plan", "10-external-blocks.plan", "20-hebei.plan"), java.util.List.copyOf(p.files().keySet()));
            assertEquals(1000L, p.importedAt());
            AllocationView v = new PlanService(again, new PlanReportReader(db)).allocation("130602-001").orElseThrow();
            assertEquals(java.util.List.of("10.6.8.0/25", "2001:db8:601:100::/56", "198.18.80.16/28"),
                    v.allocations().stream().map(AllocationView.Row::prefix).toList());
            assertTrue(v.inherited().stream().anyMatch(r -> r.owner().equals("130602") && r.prefix().equals("10.6.8.0/21")));
            assertEquals("jyj.jingxiu.gov.cn", v.publicName());
        }
    }
}
