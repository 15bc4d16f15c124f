package cn.egov.manager.plan;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.DomainConvention;
import cn.egov.rules.plan.DomainEntry;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.PlanWhois;
import java.util.ArrayList;
import java.util.List;

/**
 * What the plan gives one owner (city, county or unit): its blocks, those of its ancestors, the
 * blocks of its direct sub-allocations, its domain names and the names it should use.
 *
 * @param owner       the code asked for
 * @param name        place and unit name
 * @param allocations the owner's own blocks
 * @param inherited   blocks of its ancestors, nearest first
 * @param children    blocks given to owners below it (up to {@link #CHILDREN_SHOWN})
 * @param domains     its declared names
 * @param nameSpaces  the suffixes its names may use
 * @param publicName  its expected site name, or empty
 */
public record AllocationView(String owner, String name, List<Row> allocations, List<Row> inherited, List<Row> children,
                             List<String> domains, List<String> nameSpaces, String publicName) {

    /** How many sub-allocations a view lists. */
    public static final int CHILDREN_SHOWN = 500;

    /** One block: owner, zone, prefix and where the plan says so. */
    public record Row(String owner, String zone, String prefix, String source) {
        static Row of(Allocation a) {
            return new Row(a.owner().code(), a.zone().label(), a.prefix().toString(), a.source().toString());
        }
    }

    public static AllocationView of(AddressPlan plan, PlanWhois whois, Owner owner) {
        List<Row> own = plan.allocationsOf(owner).stream().map(Row::of).toList();
        List<Row> inherited = new ArrayList<>();
        for (Owner a : owner.ancestors()) {
            plan.allocationsOf(a).forEach(x -> inherited.add(Row.of(x)));
        }
        List<Row> children = new ArrayList<>();
        for (Allocation a : plan.allocations()) {
            if (children.size() < CHILDREN_SHOWN && owner.isAncestorOf(a.owner())) {
                children.add(Row.of(a));
            }
        }
        List<String> domains = plan.domains().stream().filter(d -> d.owner().equals(owner)).map(DomainEntry::name).toList();
        return new AllocationView(owner.code(), whois.ownerName(owner), own, inherited, children, domains,
                plan.domainSuffixes(owner), DomainConvention.publicName(plan, owner).orElse(""));
    }
}
