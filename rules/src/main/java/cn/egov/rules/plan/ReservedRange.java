package cn.egov.rules.plan;

/**
 * A block nobody may be allocated, e.g. backbone infrastructure.
 *
 * @param prefix the block
 * @param reason why it is reserved
 * @param source where it was written
 */
public record ReservedRange(IpPrefix prefix, String reason, SourceRef source) implements PlanEntry {
    @Override
    public String describe() {
        return "reserved " + prefix + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
