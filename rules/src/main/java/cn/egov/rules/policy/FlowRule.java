package cn.egov.rules.policy;

import java.time.LocalDate;
import java.util.List;

/**
 * An allowed flow between two zones (everything not allowed is denied). An {@link Kind#EXCEPTION}
 * is a flow that someone owns for a stated reason until an expiry date; after that date it is not
 * compiled.
 *
 * @param kind         flow or exception
 * @param name         policy name
 * @param from         source zone
 * @param to           destination zone, or {@link Zone#BOX} for traffic to the box itself
 * @param services     service names; empty means any traffic
 * @param sources      source prefixes (narrower than the zone); empty = the whole zone
 * @param destinations destination prefixes; empty = the whole zone
 * @param viaTunnel    true when the flow may only use the tunnel into {@code to}
 * @param owner        exceptions: who answers for it
 * @param reason       exceptions: why it exists
 * @param expires      exceptions: last day it is in force; null for flows
 * @param origin       where it is defined
 */
public record FlowRule(Kind kind, String name, String from, String to, List<String> services,
                       List<Prefix> sources, List<Prefix> destinations, boolean viaTunnel,
                       String owner, String reason, LocalDate expires, Origin origin) {

    /** What kind of section the rule came from. */
    public enum Kind {
        FLOW("flow"), EXCEPTION("exception");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public FlowRule {
        services = List.copyOf(services);
        sources = List.copyOf(sources);
        destinations = List.copyOf(destinations);
    }

    /** True when the rule is in force on {@code day} (flows always are). */
    public boolean inForceOn(LocalDate day) {
        return expires == null || !day.isAfter(expires);
    }

    /** "flow name" or "exception name", as messages and nftables comments name it. */
    public String label() {
        return kind.word() + " " + name;
    }
}
