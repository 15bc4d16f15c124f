package cn.egov.manager.noc;

import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.noc.store.AlarmBook;
import cn.egov.manager.web.Caller;
import cn.egov.rules.plan.AddressPlan;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the NOC's pages and routes read, in one place: the fleet, the plan in force, the boxes'
 * newest reports, the open alarms and the CA's revocations, each for a caller (a technician gets
 * only the units of the account's counties).
 */
final class NocState {

    private final FleetRegistry fleet;
    private final Supplier<Optional<AddressPlan>> plan;
    private final UnitReports reports;
    private final AlarmBook alarms;
    private final Supplier<Set<String>> revoked;
    private final Duration alarmWindow;
    private final Clock clock;

    NocState(FleetRegistry fleet, Supplier<Optional<AddressPlan>> plan, UnitReports reports, AlarmBook alarms,
             Supplier<Set<String>> revoked, Duration alarmWindow, Clock clock) {
        this.fleet = fleet;
        this.plan = plan;
        this.reports = reports;
        this.alarms = alarms;
        this.revoked = revoked;
        this.alarmWindow = alarmWindow;
        this.clock = clock;
    }

    /** The tree the caller may see. */
    Overview overview(Caller caller) throws SQLException {
        long now = clock.millis();
        return Overview.build(plan.get().orElse(null), fleet.list(), reports, alarms.open(now - alarmWindow.toMillis()), revoked.get(),
                caller::sees, caller.provinceWide(), now);
    }

    /** One unit with its indicators, when it exists (in the plan or the fleet) and the caller sees it. */
    Optional<Overview.Unit> unit(Caller caller, String code) throws SQLException {
        if (code == null || !code.matches("\\d{6}-\\d{3}") || !caller.sees(code)) {
            return Optional.empty();
        }
        long now = clock.millis();
        Optional<BoxState> box = fleet.get(code);
        String name = plan.get().map(p -> p.units().get(code)).map(u -> u.name()).orElse(null);
        if (box.isEmpty() && name == null) {
            return Optional.empty();
        }
        List<AlarmBook.Open> open = alarms.open(now - alarmWindow.toMillis(), code).getOrDefault(code, List.of());
        return Optional.of(new Overview.Unit(code, name != null ? name : box.get().displayName(), code.substring(0, 6), code.substring(0, 4),
                box.orElse(null), Judge.indicators(box.orElse(null), reports.of(code), open, revoked.get(), now), open.size(), name != null));
    }

    UnitReports reports() {
        return reports;
    }

    AlarmBook alarms() {
        return alarms;
    }

    Duration alarmWindow() {
        return alarmWindow;
    }

    Clock clock() {
        return clock;
    }
}
