package cn.egov.rules.plan;

/**
 * A block given to a city, county or unit in one zone, e.g.
 * {@code alloc 130602 internal 10.6.2.0/24}.
 *
 * @param owner  who holds it
 * @param zone   the zone it belongs to
 * @param prefix the block
 * @param note   free text
 * @param source where it was written
 */
public record Allocation(Owner owner, Zone zone, IpPrefix prefix, String note, SourceRef source) implements PlanEntry {
    @Override
    public String describe() {
        return "alloc " + owner + " " + zone.label() + " " + prefix;
    }
}
