package cn.egov.isolation.route;

/**
 * Something the route check found.
 *
 * @param kind      what kind of finding
 * @param iface     the isolated interface asked about ("" when the finding concerns the box as a whole)
 * @param probe     the destination asked about ("" when none)
 * @param via       the interface (and gateway) the kernel would use ("" when none)
 * @param message   one line for people, in English (the alarm, the log, 'appliance policy check')
 * @param chinese   the same line in Chinese (the box console's self-test shows it first)
 */
public record RouteFinding(Kind kind, String iface, String probe, String via, String message, String chinese) {

    /** Kinds of finding, each raised as its own alarm kind. */
    public enum Kind {
        /** The kernel would route a probe from an isolated interface: a path to the Internet exists. */
        ROUTE_TO_INTERNET("isolation.route.internet"),
        /** The kernel would route a packet from the Internet line to an isolated zone: a path in exists. */
        ROUTE_FROM_INTERNET("isolation.route.from-internet"),
        /** A /1 route (0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1) splits the default route to get around its suppression. */
        SPLIT_DEFAULT_ROUTE("isolation.route.split-default"),
        /** The guard's rules or groups could not be put in force, or had been changed and were restored. */
        GUARD("isolation.route.guard"),
        /** The kernel gave an answer that is neither a route nor unreachable/prohibit. */
        CHECK_FAILED("isolation.route.check-failed");

        private final String alarmKind;

        Kind(String alarmKind) {
            this.alarmKind = alarmKind;
        }

        public String alarmKind() {
            return alarmKind;
        }
    }

    /** Identity for de-duplication: the same finding at the next check raises no new alarm. */
    String key() {
        return kind + "|" + iface + "|" + probe + "|" + via + (kind == Kind.GUARD || kind == Kind.CHECK_FAILED ? "|" + message : "");
    }
}
