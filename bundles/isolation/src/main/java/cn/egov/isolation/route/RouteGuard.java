package cn.egov.isolation.route;

import cn.egov.api.json.JsonValues;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the guard's routing rules ({@link GuardRule}: isolated zones → no route to the Internet,
 * Internet → no route to the isolated zones) and interface groups in force and reads them back. Only rules tagged with the configured {@code protocol} are ours: they are reconciled with
 * what the policy needs (missing ones added, stale ones removed, in one {@code ip -batch} per
 * family), other rules are never touched. Applying the same interfaces twice changes nothing.
 * IPv6 rules are kept when the kernel has IPv6.
 */
public final class RouteGuard {

    private final IpCommand ip;
    private final RouteGuardSettings settings;

    public RouteGuard(IpCommand ip, RouteGuardSettings settings) {
        this.ip = ip;
        this.settings = settings;
    }

    /**
     * What one application did.
     *
     * @param changes  what was changed ("added ...", "removed ...", "interface eth3 put in group 201")
     * @param problems what could not be done or did not read back as wanted
     */
    public record Outcome(List<String> changes, List<String> problems) {
        public Outcome {
            changes = List.copyOf(changes);
            problems = List.copyOf(problems);
        }

        public boolean inForce() {
            return problems.isEmpty();
        }
    }

    /** Reconciles rules and groups with {@code interfaces}, then reads both back. */
    public synchronized Outcome apply(RouteGuardSettings.GuardedInterfaces interfaces) {
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        groups(interfaces, changes, problems);
        for (boolean v6 : new boolean[] {false, true}) {
            List<Map<String, Object>> current = ourRules(v6, problems);
            if (current == null) {
                continue;
            }
            Set<GuardRule> wanted = new LinkedHashSet<>();
            for (String iif : interfaces.isolated()) {
                wanted.addAll(GuardRule.forInterface(v6, iif, settings));
            }
            for (String iif : interfaces.internet()) {
                wanted.addAll(GuardRule.forInternetInterface(v6, iif, settings));
            }
            List<String> batch = new ArrayList<>();
            Set<GuardRule> present = new LinkedHashSet<>();
            for (Map<String, Object> json : current) {
                GuardRule r = GuardRule.parse(v6, json);
                if (r == null || !wanted.contains(r) || !present.add(r)) {
                    batch.add(r == null ? GuardRule.deleteUnknown(json, settings.protocol()) : r.deleteCommand(settings.protocol()));
                    changes.add("removed " + family(v6) + " rule " + JsonValues.canonical(json));
                }
            }
            for (GuardRule r : wanted) {
                if (!present.contains(r)) {
                    batch.add(r.addCommand(settings.protocol()));
                    changes.add("added " + family(v6) + " " + r.addCommand(settings.protocol()));
                }
            }
            if (!batch.isEmpty()) {
                IpCommand.Result res = ip.run(args(v6, "-batch", "-"), String.join("\n", batch) + "\n");
                if (!res.ok()) {
                    problems.add("ip " + family(v6) + " -batch failed: " + res.stderr().strip());
                }
            }
            List<Map<String, Object>> after = ourRules(v6, problems);
            Set<GuardRule> readBack = new LinkedHashSet<>();
            if (after != null) {
                after.forEach(j -> readBack.add(GuardRule.parse(v6, j)));
                if (!readBack.equals(wanted) || after.size() != wanted.size()) {
                    problems.add(family(v6) + " guard rules read back differ: wanted " + wanted.size() + ", found "
                            + after.stream().map(JsonValues::canonical).toList());
                }
            }
        }
        return new Outcome(changes, problems);
    }

    /** Our rules of one family, in kernel order; null when the family is not available (no IPv6). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ourRules(boolean v6, List<String> problems) {
        IpCommand.Result r = ip.run(args(v6, "-N", "-j", "rule", "list"), null);
        if (!r.ok()) {
            if (v6 && r.stderr().contains("not supported")) {
                return null; // a kernel without IPv6 has no IPv6 route to guard
            }
            problems.add("cannot list " + family(v6) + " rules: " + r.stderr().strip());
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<Object>) JsonValues.parse(r.stdout().isBlank() ? "[]" : r.stdout())) {
            Map<String, Object> rule = (Map<String, Object>) o;
            if (String.valueOf(settings.protocol()).equals(String.valueOf(rule.get("protocol")))) {
                out.add(rule);
            }
        }
        return out;
    }

    /**
     * Internet-facing interfaces in the guard's group, isolated ones in theirs; interfaces that left
     * both back in group 0.
     */
    @SuppressWarnings("unchecked")
    private void groups(RouteGuardSettings.GuardedInterfaces interfaces, List<String> changes, List<String> problems) {
        List<String> internet = interfaces.internet();
        List<String> isolated = interfaces.isolated();
        for (String both : internet) {
            if (isolated.contains(both)) {
                problems.add("interface " + both + " is in an isolated zone and leads to the Internet: the guard cannot keep them apart");
            }
        }
        IpCommand.Result r = ip.run(List.of("-N", "-j", "link", "show"), null);
        if (!r.ok()) {
            problems.add("cannot list interfaces: " + r.stderr().strip());
            return;
        }
        String group = Integer.toString(settings.interfaceGroup());
        String isolatedGroup = Integer.toString(settings.isolatedGroup());
        Set<String> seen = new LinkedHashSet<>();
        for (Object o : (List<Object>) JsonValues.parse(r.stdout())) {
            Map<String, Object> link = (Map<String, Object>) o;
            String name = String.valueOf(link.get("ifname"));
            String current = String.valueOf(link.get("group"));
            seen.add(name);
            String wanted = internet.contains(name) ? group : isolated.contains(name) ? isolatedGroup
                    : group.equals(current) || isolatedGroup.equals(current) ? "0" : current;
            if (!wanted.equals(current)) {
                setGroup(name, wanted, changes, problems);
            }
        }
        for (String name : internet) {
            if (!seen.contains(name)) {
                problems.add("Internet-facing interface " + name + " does not exist; it gets group " + group + " when the guard runs after it appears");
            }
        }
        for (String name : isolated) {
            if (!seen.contains(name)) {
                problems.add("isolated interface " + name + " does not exist; it gets group " + isolatedGroup + " when the guard runs after it appears");
            }
        }
    }

    private void setGroup(String name, String group, List<String> changes, List<String> problems) {
        IpCommand.Result set = ip.run(List.of("link", "set", "dev", name, "group", group), null);
        if (set.ok()) {
            changes.add("interface " + name + " put in group " + group);
        } else {
            problems.add("cannot put interface " + name + " in group " + group + ": " + set.stderr().strip());
        }
    }

    static List<String> args(boolean v6, String... rest) {
        List<String> a = new ArrayList<>();
        a.add(v6 ? "-6" : "-4");
        a.addAll(List.of(rest));
        return a;
    }

    static String family(boolean v6) {
        return v6 ? "IPv6" : "IPv4";
    }
}
