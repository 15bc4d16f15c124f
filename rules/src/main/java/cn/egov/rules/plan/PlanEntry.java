package cn.egov.rules.plan;

/** An address entry of the plan: an aggregate, an allocation or a reserved range. */
public sealed interface PlanEntry permits Aggregate, Allocation, ReservedRange {
    IpPrefix prefix();

    SourceRef source();

    /** One line describing the entry for errors and whois answers. */
    String describe();
}
