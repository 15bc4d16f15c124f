package cn.egov.rules.plan;

/**
 * A top-level block of one zone, e.g. {@code aggregate internal 10.0.0.0/8}.
 *
 * @param zone        the zone the block serves
 * @param prefix      the block
 * @param description free text
 * @param source      where it was written
 */
public record Aggregate(Zone zone, IpPrefix prefix, String description, SourceRef source) implements PlanEntry {
    @Override
    public String describe() {
        return "aggregate " + zone.label() + " " + prefix + (description.isEmpty() ? "" : " (" + description + ")");
    }
}
