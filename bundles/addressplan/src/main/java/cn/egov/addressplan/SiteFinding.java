package cn.egov.addressplan;

/**
 * One item of the site that does not follow the plan, with what to do about it.
 *
 * @param kind        what is wrong
 * @param subject     the item, e.g. {@code neighbour 10.9.9.20 on eth1 (02:00:00:00:00:02)}
 * @param observed    the value seen, e.g. {@code 10.9.9.20}
 * @param expected    what the plan allows, e.g. {@code 10.6.8.0/25 (internal)}
 * @param owner       who holds the observed value in the plan, or empty when nobody does
 * @param suggestion  the value it should be renumbered or renamed to
 * @param remediation one sentence for the technician, in English (the CLI, the manager's remediation list)
 * @param chinese     the same sentence in Chinese (the box console's self-test shows it first)
 */
public record SiteFinding(Kind kind, String subject, String observed, String expected, String owner,
                          String suggestion, String remediation, String chinese) {

    /** What is wrong. */
    public enum Kind {
        /** An address of the box itself outside the unit's allocations. */
        INTERFACE_ADDRESS,
        /** A subnet on a link (connected route) outside the unit's allocations. */
        SUBNET,
        /** A host seen on a link with an address outside the unit's allocations. */
        NEIGHBOUR,
        /** A DHCP lease outside the unit's allocations. */
        LEASE,
        /** A local host name that breaks the naming convention or is not the unit's. */
        HOST_NAME
    }

    /** A stable key for the same problem in later checks: kind and observed value. */
    public String key() {
        return kind.name() + ":" + observed;
    }
}
