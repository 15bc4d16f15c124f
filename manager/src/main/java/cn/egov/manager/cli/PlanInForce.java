package cn.egov.manager.cli;

import cn.egov.manager.ca.PlanUnitNames;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.plan.LoadedPlan;
import cn.egov.manager.plan.PlanConfigKey;
import cn.egov.manager.plan.PlanStore;
import cn.egov.manager.store.Database;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.PlanValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The address plan this manager has in force, for the CA's checks of units and domains: the
 * plan imported into the manager's store (what {@code /plan} shows and boxes are checked
 * against), else the files of {@code plan.dir} (what {@code manager run} imports at its first
 * start). Read at every check, so a plan imported over the web applies to the next token at once.
 */
final class PlanInForce implements Supplier<PlanUnitNames.Lookup> {

    private final ManagerConfig config;
    private Database database;

    PlanInForce(ManagerConfig config) {
        this.config = config;
    }

    @Override
    public synchronized PlanUnitNames.Lookup get() {
        try {
            if (database == null) {
                database = Database.open(config.jdbcUrl(), config.get(ConfigKey.DB_USER), config.get(ConfigKey.DB_PASSWORD));
            }
            Optional<LoadedPlan> stored = new PlanStore(database).current();
            if (stored.isPresent()) {
                return PlanUnitNames.Lookup.of(stored.get().plan());
            }
        } catch (SQLException e) {
            return PlanUnitNames.Lookup.absent("the manager's store " + config.jdbcUrl() + " cannot be read");
        }
        String dir = config.extension("plan").getOrDefault(PlanConfigKey.DIR.shortKey(), "");
        if (dir.isBlank()) {
            return PlanUnitNames.Lookup.absent("no plan was imported into the manager, and " + PlanConfigKey.DIR.key()
                    + " is not set in " + config.source());
        }
        try {
            PlanParser.Result r = PlanParser.forHebei().parse(Path.of(dir));
            List<PlanFinding> findings = new ArrayList<>(r.findings());
            findings.addAll(new PlanValidator().validate(r.plan()));
            long errors = findings.stream().filter(f -> f.severity() == PlanFinding.Severity.ERROR).count();
            if (errors > 0) {
                return PlanUnitNames.Lookup.absent("the plan in " + dir + " (" + PlanConfigKey.DIR.key() + ") has " + errors
                        + " error(s); see 'manager plan check " + dir + "'");
            }
            return PlanUnitNames.Lookup.of(r.plan());
        } catch (IOException | RuntimeException e) {
            return PlanUnitNames.Lookup.absent("the plan in " + dir + " (" + PlanConfigKey.DIR.key() + ") cannot be read");
        }
    }
}
