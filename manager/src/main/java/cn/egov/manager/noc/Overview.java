package cn.egov.manager.noc;

import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.noc.store.AlarmBook;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.PlanUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The province as the NOC sees it: province → city → county → unit, each unit with its
 * {@link Indicator}s, each city and county with its counts. Units are those the plan in force
 * declares and those whose box is in the fleet (a box the plan lacks is shown too: it is
 * connected after all). A city-level unit ({@code 130600-012}) sits under its city's 市直 node, a
 * provincial one ({@code 130000-001}) under 省直.
 */
record Overview(Counts counts, List<City> cities) {

    /** The province's short code. */
    static final String PROVINCE = "13";

    /** One unit. */
    record Unit(String code, String name, String county, String city, BoxState box, List<Indicator> indicators, int openAlarms,
                boolean inPlan) {
    }

    /** How many units of a node stand how, per aspect. */
    record Counts(int units, int boxes, int connected, int openAlarms, Map<Aspect, int[]> levels) {
        static Counts of(List<Unit> units) {
            Map<Aspect, int[]> levels = new EnumMap<>(Aspect.class);
            for (Aspect a : Aspect.values()) {
                levels.put(a, new int[Level.values().length]);
            }
            int boxes = 0;
            int connected = 0;
            int alarms = 0;
            for (Unit u : units) {
                for (Indicator i : u.indicators()) {
                    levels.get(i.aspect())[i.level().ordinal()]++;
                }
                boxes += u.box() == null ? 0 : 1;
                connected += u.box() != null && u.box().status() == BoxStatus.CONNECTED ? 1 : 0;
                alarms += u.openAlarms();
            }
            return new Counts(units.size(), boxes, connected, alarms, levels);
        }

        int count(Aspect a, Level l) {
            return levels.get(a)[l.ordinal()];
        }

        /** Units reporting on {@code a} (not NONE). */
        int reporting(Aspect a) {
            int[] c = levels.get(a);
            return c[Level.OK.ordinal()] + c[Level.WARN.ordinal()] + c[Level.BAD.ordinal()];
        }

        /** The worst level among the units for {@code a}. */
        Level worst(Aspect a) {
            int[] c = levels.get(a);
            for (int i = c.length - 1; i > 0; i--) {
                if (c[i] > 0) {
                    return Level.values()[i];
                }
            }
            return Level.NONE;
        }
    }

    /** A county (or a city's 市直 node) with its units. */
    record County(String code, String name, Counts counts, List<Unit> units) {
    }

    /** A city (or the province's 省直 node) with its counties. */
    record City(String code, String name, Counts counts, List<County> counties) {
    }

    /**
     * @param plan      the plan in force, or null
     * @param boxes     the fleet
     * @param reports   the boxes' newest reports
     * @param open      open alarms by client id
     * @param revoked   revoked serials
     * @param sees      which unit codes the caller may see
     * @param allCities list every city of the province, also those without units (province-wide callers)
     */
    static Overview build(AddressPlan plan, List<BoxState> boxes, UnitReports reports, Map<String, List<AlarmBook.Open>> open,
                          Set<String> revoked, Predicate<String> sees, boolean allCities, long now) {
        Divisions divisions = Divisions.hebei();
        Map<String, BoxState> byUnit = new TreeMap<>();
        for (BoxState b : boxes) {
            byUnit.put(b.clientId(), b);
        }
        Map<String, String> names = new TreeMap<>();
        if (plan != null) {
            for (PlanUnit u : plan.units().values()) {
                names.put(u.owner().code(), u.name());
            }
        }
        TreeMap<String, Unit> units = new TreeMap<>();
        for (String code : union(names.keySet(), byUnit.keySet())) {
            if (!sees.test(code)) {
                continue;
            }
            BoxState box = byUnit.get(code);
            String name = names.getOrDefault(code, box == null ? code : box.displayName());
            List<AlarmBook.Open> alarms = open.getOrDefault(code, List.of());
            units.put(code, new Unit(code, name, code.substring(0, 6), code.substring(0, 4),
                    box, Judge.indicators(box, reports.of(code), alarms, revoked, now), alarms.size(), names.containsKey(code)));
        }
        TreeMap<String, TreeMap<String, List<Unit>>> tree = new TreeMap<>();
        if (allCities) {
            for (Divisions.Division d : divisions.cities()) {
                tree.put(d.code(), new TreeMap<>());
            }
        }
        for (Unit u : units.values()) {
            tree.computeIfAbsent(u.city(), k -> new TreeMap<>()).computeIfAbsent(u.county(), k -> new ArrayList<>()).add(u);
        }
        List<City> cities = new ArrayList<>();
        tree.forEach((city, counties) -> {
            List<County> list = new ArrayList<>();
            counties.forEach((county, us) -> list.add(new County(county, countyName(divisions, county), Counts.of(us), List.copyOf(us))));
            cities.add(new City(city, cityName(divisions, city), Counts.of(list.stream().flatMap(c -> c.units().stream()).toList()),
                    List.copyOf(list)));
        });
        return new Overview(Counts.of(List.copyOf(units.values())), List.copyOf(cities));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.TreeSet<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    static String cityName(Divisions d, String city) {
        return city.equals(PROVINCE + "00") ? "省直 provincial" : d.name(city);
    }

    static String countyName(Divisions d, String county) {
        if (county.equals(PROVINCE + "0000")) {
            return "省直单位 provincial units";
        }
        return county.endsWith("00") ? d.name(county.substring(0, 4)) + " 市直 city level" : d.name(county);
    }
}
