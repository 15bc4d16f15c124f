package cn.egov.rules.policy;

import java.util.List;
import java.util.Optional;

/**
 * The one table of section types and their options. The parser checks input against it
 * (unknown options, missing required options, value types) and {@link #markdown()} renders the
 * reference in {@code rules/README.md}, so the documentation and the checks cannot drift apart.
 */
public final class PolicySchema {

    private PolicySchema() {
    }

    /** How an option's values are read. */
    public enum ValueType {
        /** one word */
        WORD,
        /** free text: the rest of the line (quote it to keep spacing) */
        TEXT,
        /** a name defined elsewhere in the policy (zone, service, interface) */
        NAME,
        /** IPv4/IPv6 prefix in CIDR form */
        PREFIX,
        /** port or port range */
        PORT,
        /** calendar date YYYY-MM-DD */
        DATE,
        /** one of the listed words */
        CHOICE
    }

    /**
     * One option of a section.
     *
     * @param name         option name as written
     * @param type         how values are read
     * @param required     must appear
     * @param list         takes several values
     * @param choices      allowed words for {@link ValueType#CHOICE}
     * @param defaultValue value when absent ("" when none)
     * @param description  one line for the reference
     */
    public record OptionSpec(String name, ValueType type, boolean required, boolean list, List<String> choices,
                             String defaultValue, String description) {
    }

    /**
     * One section type.
     *
     * @param type        the word that opens the section
     * @param nameRule    what the section's name must look like
     * @param description one line for the reference
     * @param options     its options
     */
    public record SectionSpec(String type, String nameRule, String description, List<OptionSpec> options) {
        public Optional<OptionSpec> option(String optionName) {
            return options.stream().filter(o -> o.name().equals(optionName)).findFirst();
        }
    }

    /**
     * Names of zones, services, rules: lowercase letters and digits in words joined by single
     * hyphens, at most 32 characters. nftables names replace the hyphens with {@code _}, so
     * {@code __} can separate two names without ever colliding.
     */
    public static final String NAME_PATTERN = "(?=.{1,32}$)[a-z][a-z0-9]*(-[a-z0-9]+)*";
    /** Kernel interface names: at most 15 characters. */
    public static final String IFACE_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,14}";

    private static OptionSpec opt(String name, ValueType type, boolean required, boolean list, String description) {
        return new OptionSpec(name, type, required, list, List.of(), "", description);
    }

    private static OptionSpec choice(String name, boolean required, List<String> choices, String dflt, String description) {
        return new OptionSpec(name, ValueType.CHOICE, required, false, choices, dflt, description);
    }

    private static final List<OptionSpec> FLOW_OPTIONS = List.of(
            opt("from", ValueType.NAME, true, false, "source zone, or `box` for the box's own traffic (nftables output)"),
            opt("to", ValueType.NAME, true, false, "destination zone, or `box` for traffic to the box itself (nftables input)"),
            new OptionSpec("services", ValueType.NAME, true, true, List.of(), "",
                    "service names, or `any` for all traffic"),
            opt("sources", ValueType.PREFIX, false, true, "only these source prefixes (default: the whole source zone)"),
            opt("destinations", ValueType.PREFIX, false, true, "only these destination prefixes (default: the whole destination zone)"),
            choice("via", false, List.of("tunnel", "any"), "any", "`tunnel`: only through the tunnel into the destination zone"),
            opt("description", ValueType.TEXT, false, false, "free text"));

    private static final List<SectionSpec> SECTIONS = List.of(
            new SectionSpec("policy", NAME_PATTERN, "names and versions the policy (exactly one per directory)", List.of(
                    opt("version", ValueType.WORD, true, false, "version reported in telemetry and in the live ruleset"),
                    opt("description", ValueType.TEXT, false, false, "free text"))),
            new SectionSpec("zone", NAME_PATTERN, "a security zone", List.of(
                    opt("prefixes", ValueType.PREFIX, false, true,
                            "addresses that belong to the zone; none = any address on its interfaces"),
                    opt("description", ValueType.TEXT, false, false, "free text"))),
            new SectionSpec("interface", IFACE_PATTERN, "one interface of the box and its zone(s)", List.of(
                    opt("zone", ValueType.NAME, false, true,
                            "zone(s) on this interface (an interface without one is an error); several only when their prefixes tell them apart"),
                    opt("description", ValueType.TEXT, false, false, "free text"))),
            new SectionSpec("service", NAME_PATTERN, "a protocol and its destination ports", List.of(
                    choice("protocol", true, List.of("tcp", "udp", "sctp", "icmp", "icmpv6", "esp", "any"), "",
                            "the protocol"),
                    opt("ports", ValueType.PORT, false, true, "destination ports or ranges (tcp/udp/sctp only); none = all"),
                    opt("description", ValueType.TEXT, false, false, "free text"))),
            new SectionSpec("tunnel", NAME_PATTERN, "the encrypted tunnel into a zone", List.of(
                    opt("zone", ValueType.NAME, true, false, "the zone reached through the tunnel"),
                    choice("mode", true, List.of("interface", "kernel-ipsec"), "",
                            "`interface`: tunnelled packets use `interface` (kernel-libipsec `ipsec0`); "
                                    + "`kernel-ipsec`: policy-based kernel IPsec (`rt ipsec`/`meta ipsec`)"),
                    opt("interface", ValueType.NAME, false, false, "the tunnel interface (mode `interface` only)"),
                    opt("peers", ValueType.PREFIX, false, true,
                            "remote tunnel endpoints: IKE (UDP 500/4500) and ESP between them and the box pass"),
                    opt("description", ValueType.TEXT, false, false, "free text"))),
            new SectionSpec("flow", NAME_PATTERN, "an allowed flow (everything else is denied)", FLOW_OPTIONS),
            new SectionSpec("exception", NAME_PATTERN, "an allowed flow with an owner, a reason and an expiry date",
                    concat(FLOW_OPTIONS, List.of(
                            opt("owner", ValueType.TEXT, true, false, "who answers for the exception"),
                            opt("reason", ValueType.TEXT, true, false, "why it is needed"),
                            opt("expires", ValueType.DATE, true, false,
                                    "last day in force (YYYY-MM-DD); afterwards it is not compiled")))),
            new SectionSpec("never", NAME_PATTERN, "a prohibition no flow may contradict; enforced before the flows (in forward also before connection tracking)",
                    List.of(
                            opt("between", ValueType.NAME, false, true, "two zones, both directions (or use from/to)"),
                            opt("from", ValueType.NAME, false, false, "source zone, or `box` for the box's own traffic (one direction)"),
                            opt("to", ValueType.NAME, false, false, "destination zone (one direction)"),
                            choice("unless", false, List.of("tunnel"), "",
                                    "`tunnel`: forbid only traffic outside the tunnel into one of the zones"),
                            opt("reason", ValueType.TEXT, true, false, "why (cite the baseline)"))));

    private static List<OptionSpec> concat(List<OptionSpec> a, List<OptionSpec> b) {
        List<OptionSpec> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    public static List<SectionSpec> sections() {
        return SECTIONS;
    }

    public static Optional<SectionSpec> section(String type) {
        return SECTIONS.stream().filter(s -> s.type().equals(type)).findFirst();
    }

    /** The reference tables for README.md: one per section type. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        for (SectionSpec s : SECTIONS) {
            sb.append("#### `").append(s.type()).append(" <name>`: ").append(s.description()).append("\n\n");
            sb.append("| option | value | required | list | default | meaning |\n|---|---|---|---|---|---|\n");
            for (OptionSpec o : s.options()) {
                String value = o.type() == ValueType.CHOICE ? String.join(" \\| ", o.choices()) : o.type().name().toLowerCase();
                sb.append("| `").append(o.name()).append("` | ").append(value).append(" | ")
                        .append(o.required() ? "yes" : "no").append(" | ").append(o.list() ? "yes" : "no").append(" | ")
                        .append(o.defaultValue().isEmpty() ? "" : "`" + o.defaultValue() + "`").append(" | ")
                        .append(o.description()).append(" |\n");
            }
            sb.append("\n");
        }
        return sb.toString();
    }
}
