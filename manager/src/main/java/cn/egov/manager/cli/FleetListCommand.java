package cn.egov.manager.cli;

import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.config.ConfigKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code manager fleet --config FILE}: the stored fleet as a table, by city and county (reads the store only). */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "List the boxes in the manager's store with status and last seen, by city and county.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {" 0:listed", " 2:bad configuration, or the store cannot be read (one line names it)", CliErrors.EXIT_INTERNAL})
public final class FleetListCommand implements Callable<Integer> {

    private static final String LAST_SEEN = "LAST-SEEN";

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        ManagerConfig cfg = ConfigParts.load(config);
        Database db = Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD));
        List<BoxState> boxes;
        try (Connection c = db.connect()) {
            boxes = BoxStore.loadAll(c, PlaceNames.HEBEI);
        }
        boxes = boxes.stream().sorted(Comparator.comparing((BoxState b) -> b.place().cityCode())
                .thenComparing(b -> b.place().countyCode()).thenComparing(BoxState::clientId)).toList();
        System.out.printf("%-6s %-8s %-12s %-13s %s %s%n", "CITY", "COUNTY", "CLIENT-ID", "STATUS",
                TableTime.header(LAST_SEEN), "NAME");
        for (BoxState b : boxes) {
            System.out.printf("%-6s %-8s %-12s %-13s %s %s%n", b.place().cityCode(), b.place().countyCode(), b.clientId(),
                    b.status(), TableTime.cell(LAST_SEEN, Instant.ofEpochMilli(b.lastSeen())), b.displayName());
        }
        System.out.println(boxes.size() + " box(es)");
        return 0;
    }
}
