package cn.egov.rules.policy;

import cn.egov.rules.policy.PolicySchema.OptionSpec;
import cn.egov.rules.policy.PolicySchema.SectionSpec;
import cn.egov.rules.policy.PolicySchema.ValueType;
import cn.egov.rules.policy.PolicyText.RawOption;
import cn.egov.rules.policy.PolicyText.RawSection;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns raw sections into the model, checking each option against {@link PolicySchema}:
 * unknown section types and options, missing required options, repeated options, duplicate
 * names and malformed values are errors that name file, line and field. Cross-references and
 * policy-level checks are the {@link PolicyValidator}'s job.
 */
final class PolicyParser {

    private final List<Finding> findings;
    private final List<BoxInterface> interfaces = new ArrayList<>();
    private final List<Zone> zones = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<Tunnel> tunnels = new ArrayList<>();
    private final List<FlowRule> flows = new ArrayList<>();
    private final List<NeverRule> nevers = new ArrayList<>();
    private final Map<String, Origin> namesSeen = new HashMap<>();
    private RawSection policySection;
    private Map<String, RawOption> policyOptions;

    PolicyParser(List<Finding> findings) {
        this.findings = findings;
    }

    private void error(String code, Origin at, String field, String message) {
        findings.add(new Finding(Finding.Severity.ERROR, code, at, field, message));
    }

    void add(RawSection s) {
        SectionSpec spec = PolicySchema.section(s.type()).orElse(null);
        if (spec == null) {
            error("unknown-section", s.origin(), s.type(), "unknown section type '" + s.type() + "'; known: "
                    + String.join(", ", PolicySchema.sections().stream().map(SectionSpec::type).toList()));
            return;
        }
        if (!s.name().matches(spec.nameRule())) {
            error("bad-value", s.origin(), "name", spec.type() + " name '" + s.name() + "' must match " + spec.nameRule());
            return;
        }
        // flows, exceptions and nevers share one name space: nftables comments and alarms name them
        String space = switch (spec.type()) {
            case "flow", "exception", "never" -> "rule";
            default -> spec.type();
        };
        Origin earlier = namesSeen.putIfAbsent(space + ":" + s.name(), s.origin());
        if (earlier != null) {
            error("duplicate", s.origin(), "name", spec.type() + " '" + s.name() + "' is already defined at " + earlier);
            return;
        }
        Map<String, RawOption> opts = options(s, spec);
        if (opts == null) {
            return;
        }
        Map<String, Integer> lines = new LinkedHashMap<>();
        opts.forEach((k, v) -> lines.put(k, v.origin().line()));
        Section sec = new Section(new RawSection(s.type(), s.name(), new Origin(s.origin().file(), s.origin().line(), lines),
                s.options()), opts);
        switch (spec.type()) {
            case "policy" -> {
                if (policySection != null) {
                    error("duplicate", s.origin(), "policy", "a second policy section; the first is at " + policySection.origin());
                } else {
                    policySection = s;
                    policyOptions = opts;
                }
            }
            case "zone" -> zones.add(new Zone(s.name(), sec.text("description"), sec.prefixes("prefixes"), sec.raw.origin()));
            case "interface" -> interfaces.add(new BoxInterface(s.name(), sec.words("zone"), sec.text("description"), sec.raw.origin()));
            case "service" -> service(sec);
            case "tunnel" -> tunnel(sec);
            case "flow", "exception" -> flow(sec, spec.type().equals("exception") ? FlowRule.Kind.EXCEPTION : FlowRule.Kind.FLOW);
            case "never" -> never(sec);
            default -> throw new IllegalStateException(spec.type());
        }
    }

    /**
     * Checks options against the schema. Unknown or repeated options are reported and left out,
     * so the section's other values are still checked; null when a required option is missing.
     */
    private Map<String, RawOption> options(RawSection s, SectionSpec spec) {
        Map<String, RawOption> byName = new LinkedHashMap<>();
        boolean missing = false;
        for (RawOption o : s.options()) {
            OptionSpec os = spec.option(o.name()).orElse(null);
            if (os == null) {
                error("unknown-option", o.origin(), o.name(), "unknown option of " + spec.type() + " '" + s.name()
                        + "'; known: " + String.join(", ", spec.options().stream().map(OptionSpec::name).toList()));
                continue;
            }
            if (byName.containsKey(o.name())) {
                if (os.list() && !o.values().isEmpty()) {
                    // a list option may continue on further lines: each repeat appends
                    RawOption first = byName.get(o.name());
                    List<String> all = new ArrayList<>(first.values());
                    all.addAll(o.values());
                    byName.put(o.name(), new RawOption(o.name(), all, first.origin()));
                    continue;
                }
                error("duplicate", o.origin(), o.name(), "option given twice (first at " + byName.get(o.name()).origin() + ")");
                continue;
            }
            if (o.values().isEmpty()) {
                error("bad-value", o.origin(), o.name(), "option has no value");
                continue;
            }
            if (!os.list() && os.type() != ValueType.TEXT && o.values().size() > 1) {
                error("bad-value", o.origin(), o.name(), "takes one value, got " + o.values().size());
                continue;
            }
            if (os.type() == ValueType.CHOICE && !os.choices().contains(o.values().get(0))) {
                error("bad-value", o.origin(), o.name(), "'" + o.values().get(0) + "' is not one of " + os.choices());
                continue;
            }
            byName.put(o.name(), o);
        }
        for (OptionSpec os : spec.options()) {
            if (os.required() && !byName.containsKey(os.name())) {
                error("missing-option", s.origin(), os.name(), spec.type() + " '" + s.name() + "' needs option '" + os.name() + "'");
                missing = true;
            }
        }
        return missing ? null : byName;
    }

    /** Typed access to a checked section's options; value errors are reported and mark it bad. */
    private final class Section {
        final RawSection raw;
        final Map<String, RawOption> opts;
        boolean bad;

        Section(RawSection raw, Map<String, RawOption> opts) {
            this.raw = raw;
            this.opts = opts;
        }

        String text(String name) {
            RawOption o = opts.get(name);
            return o == null ? "" : String.join(" ", o.values());
        }

        String word(String name) {
            RawOption o = opts.get(name);
            return o == null ? null : o.values().get(0);
        }

        List<String> words(String name) {
            RawOption o = opts.get(name);
            return o == null ? List.of() : o.values();
        }

        List<Prefix> prefixes(String name) {
            List<Prefix> out = new ArrayList<>();
            RawOption o = opts.get(name);
            if (o != null) {
                for (String v : o.values()) {
                    try {
                        out.add(Prefix.parse(v));
                    } catch (IllegalArgumentException e) {
                        error("bad-value", o.origin(), name, e.getMessage());
                        bad = true;
                    }
                }
            }
            return out;
        }

        List<PortRange> ports(String name) {
            List<PortRange> out = new ArrayList<>();
            RawOption o = opts.get(name);
            if (o != null) {
                for (String v : o.values()) {
                    try {
                        out.add(PortRange.parse(v));
                    } catch (IllegalArgumentException e) {
                        error("bad-value", o.origin(), name, e.getMessage());
                        bad = true;
                    }
                }
            }
            return out;
        }

        LocalDate date(String name) {
            RawOption o = opts.get(name);
            if (o == null) {
                return null;
            }
            try {
                return LocalDate.parse(o.values().get(0));
            } catch (DateTimeParseException e) {
                error("bad-value", o.origin(), name, "'" + o.values().get(0) + "' is not a date YYYY-MM-DD");
                bad = true;
                return null;
            }
        }

        Origin at(String name) {
            RawOption o = opts.get(name);
            return o == null ? raw.origin() : o.origin();
        }
    }

    private void service(Section s) {
        Protocol proto = Protocol.fromWord(s.word("protocol"));
        List<PortRange> ports = s.ports("ports");
        if (!ports.isEmpty() && !proto.hasPorts()) {
            error("bad-value", s.at("ports"), "ports", "protocol " + proto.word() + " has no ports");
            return;
        }
        if (!s.bad) {
            services.add(new Service(s.raw.name(), proto, ports, s.raw.origin()));
        }
    }

    private void tunnel(Section s) {
        TunnelMode mode = TunnelMode.fromWord(s.word("mode"));
        String iface = s.word("interface");
        if (mode == TunnelMode.INTERFACE && iface == null) {
            error("missing-option", s.raw.origin(), "interface", "tunnel '" + s.raw.name() + "' in mode interface needs option 'interface'");
            return;
        }
        if (mode == TunnelMode.KERNEL_IPSEC && iface != null) {
            error("bad-value", s.at("interface"), "interface", "mode kernel-ipsec has no tunnel interface; remove the option or use mode interface");
            return;
        }
        List<Prefix> peers = s.prefixes("peers");
        if (!s.bad) {
            tunnels.add(new Tunnel(s.raw.name(), s.word("zone"), mode, iface, peers, s.raw.origin()));
        }
    }

    private void flow(Section s, FlowRule.Kind kind) {
        List<String> svc = s.words("services");
        if (svc.contains(Service.ANY)) {
            if (svc.size() > 1) {
                error("bad-value", s.at("services"), "services", "'any' already covers every service; list nothing else");
                return;
            }
            svc = List.of();
        }
        Set<String> unique = new HashSet<>();
        for (String name : svc) {
            if (!unique.add(name)) {
                error("bad-value", s.at("services"), "services", "service '" + name + "' listed twice");
                return;
            }
        }
        List<Prefix> src = s.prefixes("sources");
        List<Prefix> dst = s.prefixes("destinations");
        LocalDate expires = s.date("expires");
        if (!s.bad) {
            flows.add(new FlowRule(kind, s.raw.name(), s.word("from"), s.word("to"), svc, src, dst,
                    "tunnel".equals(s.word("via")), kind == FlowRule.Kind.EXCEPTION ? s.text("owner") : "",
                    kind == FlowRule.Kind.EXCEPTION ? s.text("reason") : "", expires, s.raw.origin()));
        }
    }

    private void never(Section s) {
        List<String> between = s.words("between");
        String from = s.word("from");
        String to = s.word("to");
        boolean both = !between.isEmpty();
        if (both == (from != null || to != null)) {
            error("bad-value", s.raw.origin(), "between", "never '" + s.raw.name() + "' needs either 'between A B' or 'from A' and 'to B'");
            return;
        }
        if (both && between.size() != 2) {
            error("bad-value", s.at("between"), "between", "takes exactly two zones, got " + between.size());
            return;
        }
        if (!both && (from == null || to == null)) {
            error("missing-option", s.raw.origin(), from == null ? "from" : "to", "never '" + s.raw.name() + "' needs both 'from' and 'to'");
            return;
        }
        nevers.add(new NeverRule(s.raw.name(), both ? between.get(0) : from, both ? between.get(1) : to, both,
                "tunnel".equals(s.word("unless")), s.text("reason"), s.raw.origin()));
    }

    /** The model, or null when there is no usable policy section. */
    IsolationPolicy build(String sha256, Origin directory) {
        if (policySection == null) {
            error("missing-section", directory, "policy", "no 'policy <name>' section with a version in any *.policy file");
            return null;
        }
        String version = policyOptions.get("version").values().get(0);
        if (!version.matches("[A-Za-z0-9._-]{1,32}")) {
            error("bad-value", policyOptions.get("version").origin(), "version", "version '" + version
                    + "' must be 1-32 letters, digits, dots, hyphens or underscores");
        }
        RawOption d = policyOptions.get("description");
        return new IsolationPolicy(policySection.name(), version, d == null ? "" : String.join(" ", d.values()),
                interfaces, zones, services, tunnels, flows, nevers, sha256, policySection.origin());
    }
}
