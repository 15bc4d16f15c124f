package cn.egov.isolation.route;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.rules.policy.IsolationPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * "Internal ↔ Internet: no route", independent of nftables: each round puts the {@link RouteGuard}
 * in force (idempotent), asks the kernel with {@link RouteProbe}, raises one alarm per new finding
 * (a finding still present at the next round raises nothing; each kind of finding is a standing
 * condition, and when the last finding of a kind is gone a {@link Alarm.Severity#CLEARED} alarm of
 * that kind says so) and keeps the last {@link Report} for telemetry.
 * Changes the guard had to make after its first round mean someone removed its rules or groups:
 * that is a {@link RouteFinding.Kind#GUARD} finding too.
 */
public final class RouteIsolation {

    /** Source of the alarms raised here. */
    public static final String SOURCE = "isolation.route";

    private final RouteGuard guard;
    private final RouteProbe probe;
    private final Consumer<Alarm> alarms;
    private final Clock clock;
    private Set<String> seen = new HashSet<>();
    private Set<String> seenKinds = new HashSet<>();
    private boolean applied;
    private volatile Report last;
    private final RouteGuardSettings settings;
    private volatile RouteGuardSettings.GuardedInterfaces interfaces;

    public RouteIsolation(IpCommand ip, RouteGuardSettings settings, Consumer<Alarm> alarms, Clock clock) {
        this.settings = settings;
        this.guard = new RouteGuard(ip, settings);
        this.probe = new RouteProbe(ip, settings.probes());
        this.alarms = alarms;
        this.clock = clock;
    }

    /**
     * One round's result.
     *
     * @param checkedAt ms since the epoch
     * @param guard     what the guard changed and what it could not do
     * @param findings  everything found this round
     */
    public record Report(long checkedAt, RouteGuard.Outcome guard, List<RouteFinding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        /** NO_ROUTE (the Internet is unreachable from every isolated interface, and they from it) or FINDINGS. */
        public String state() {
            return findings.isEmpty() ? "NO_ROUTE" : "FINDINGS";
        }
    }

    /** From now on guards the interfaces of {@code policy}'s isolated and Internet zones (call when it is in force). */
    public void follow(IsolationPolicy policy) {
        interfaces = settings.interfacesIn(policy);
    }

    /** One round for the policy last followed; null while none is. */
    public Report run() {
        RouteGuardSettings.GuardedInterfaces i = interfaces;
        return i == null ? null : run(i);
    }

    /** Applies the guard for {@code interfaces}, checks, raises alarms; returns the report. */
    public synchronized Report run(RouteGuardSettings.GuardedInterfaces interfaces) {
        RouteGuard.Outcome outcome = guard.apply(interfaces);
        List<RouteFinding> findings = new ArrayList<>();
        for (String p : outcome.problems()) {
            // the guard's problem is nft's or ip's own words (English): the Chinese says what it is about
            findings.add(new RouteFinding(RouteFinding.Kind.GUARD, "", "", "", p, "路由守卫的规则无法生效：" + p));
        }
        if (applied && !outcome.changes().isEmpty()) {
            findings.add(new RouteFinding(RouteFinding.Kind.GUARD, "", "", "",
                    "the route guard had been changed and was restored: " + String.join("; ", outcome.changes()),
                    "路由守卫曾被改动，已恢复：" + String.join("; ", outcome.changes())));
        }
        applied = true;
        findings.addAll(probe.check(interfaces));
        long now = clock.millis();
        Set<String> current = new HashSet<>();
        for (RouteFinding f : findings) {
            current.add(f.key());
            if (!seen.contains(f.key())) {
                alarms.accept(alarm(f, now));
            }
        }
        Set<String> kinds = new HashSet<>();
        findings.forEach(f -> kinds.add(f.kind().alarmKind()));
        for (String gone : seenKinds) {
            if (!kinds.contains(gone)) {
                alarms.accept(new Alarm(gone, Alarm.Severity.CLEARED, SOURCE,
                        "no route from the isolated zones to the Internet, nor from the Internet to them", Map.of(), now));
            }
        }
        seenKinds = kinds;
        // a restore is an event, not a standing condition: it does not count as seen
        current.removeIf(k -> k.contains("was restored"));
        seen = current;
        Report r = new Report(now, outcome, findings);
        last = r;
        return r;
    }

    /** Clears the conditions of the last round: the guard's component goes away (a new one raises again what holds). */
    public synchronized void endConditions() {
        long now = clock.millis();
        for (String kind : seenKinds) {
            alarms.accept(new Alarm(kind, Alarm.Severity.CLEARED, SOURCE, "route guard stopped", Map.of(), now));
        }
        seenKinds = new HashSet<>();
        seen = new HashSet<>();
    }

    /** The last round's report, or null before the first. */
    public Report last() {
        return last;
    }

    /** Adds the route guard's state to a telemetry payload (the ISOLATION/policy message). */
    public void addMetrics(KuraPayload.Builder b) {
        Report r = last;
        if (r != null) {
            b.metric(BoxMetrics.ROUTE_STATE, r.state())
                    .metric(BoxMetrics.ROUTE_CHECKED_AT, r.checkedAt())
                    .metric(BoxMetrics.ROUTE_FINDINGS, (long) r.findings().size());
        }
    }

    private static Alarm alarm(RouteFinding f, long now) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("kind", f.kind().name().toLowerCase().replace('_', '-'));
        if (!f.iface().isEmpty()) {
            ev.put("interface", f.iface());
        }
        if (!f.probe().isEmpty()) {
            ev.put("probe", f.probe());
        }
        if (!f.via().isEmpty()) {
            ev.put("via", f.via());
        }
        Alarm.Severity sev = switch (f.kind()) {
            case ROUTE_TO_INTERNET, ROUTE_FROM_INTERNET -> Alarm.Severity.CRITICAL;
            case SPLIT_DEFAULT_ROUTE, GUARD -> Alarm.Severity.MAJOR;
            case CHECK_FAILED -> Alarm.Severity.MINOR;
        };
        return new Alarm(f.kind().alarmKind(), sev, SOURCE, f.message(), ev, now);
    }
}
