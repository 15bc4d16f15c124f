package cn.egov.rules.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The province's address and domain plan as read from its files: aggregates per zone,
 * allocations per city, county and unit, reserved ranges, place labels, units and domain names.
 * Immutable; build one with {@link PlanParser}, check it with {@link PlanValidator}, look things up
 * through {@link #index()} and {@link PlanWhois}.
 *
 * @param aggregates  top-level blocks per zone
 * @param allocations blocks given to owners
 * @param reserved    blocks nobody may hold
 * @param places      domain label per division code
 * @param units       declared units by unit code
 * @param domains     domain names with their owners
 * @param options     {@code option key value} lines (e.g. {@code internal-suffix})
 */
public record AddressPlan(List<Aggregate> aggregates, List<Allocation> allocations, List<ReservedRange> reserved,
                          Map<String, PlaceLabel> places, Map<String, PlanUnit> units, List<DomainEntry> domains,
                          Map<String, String> options) {

    /** Suffix of public names, {@code gov.cn} unless {@code option public-suffix} says otherwise. */
    public static final String DEFAULT_PUBLIC_SUFFIX = "gov.cn";

    public AddressPlan {
        aggregates = List.copyOf(aggregates);
        allocations = List.copyOf(allocations);
        reserved = List.copyOf(reserved);
        places = Collections.unmodifiableMap(new HashMap<>(places));
        units = Collections.unmodifiableMap(new HashMap<>(units));
        domains = List.copyOf(domains);
        options = Collections.unmodifiableMap(new HashMap<>(options));
    }


    public String publicSuffix() {
        return options.getOrDefault("public-suffix", DEFAULT_PUBLIC_SUFFIX);
    }

    /** Suffix of internal names (e.g. {@code hebei.egov}), empty when the plan has none. */
    public String internalSuffix() {
        return options.getOrDefault("internal-suffix", "");
    }

    /** Every address entry: aggregates, allocations and reserved ranges. */
    public List<PlanEntry> entries() {
        List<PlanEntry> all = new ArrayList<>(aggregates.size() + allocations.size() + reserved.size());
        all.addAll(aggregates);
        all.addAll(allocations);
        all.addAll(reserved);
        return all;
    }

    /** A prefix index over all address entries (built on each call: keep the result). */
    public PrefixIndex<PlanEntry> index() {
        return PrefixIndex.of(entries(), PlanEntry::prefix);
    }

    /** A prefix index of one zone's aggregates: "is this a planned government address?". */
    public PrefixIndex<Aggregate> aggregateIndex(Zone zone) {
        return PrefixIndex.of(aggregates.stream().filter(a -> a.zone() == zone).toList(), Aggregate::prefix);
    }

    /** The allocations an owner holds itself, in file order. */
    public List<Allocation> allocationsOf(Owner owner) {
        return allocations.stream().filter(a -> a.owner().equals(owner)).toList();
    }

    /** The place label of an owner's division (walking up for units of a city or province). */
    public Optional<String> placeOf(Owner owner) {
        PlaceLabel p = places.get(owner.division());
        return Optional.ofNullable(p).map(PlaceLabel::label);
    }

    /**
     * The domain suffixes an owner's names may use: for a department
     * {@code <dept>.<place>.gov.cn} and {@code <dept>.<place>.<internal>}; for a government office
     * or division {@code <place>.gov.cn} and {@code <place>.<internal>}. Empty when the place or
     * department label is not declared.
     */
    public List<String> domainSuffixes(Owner owner) {
        Optional<String> place = placeOf(owner);
        if (place.isEmpty()) {
            return List.of();
        }
        String apex = place.get();
        if (owner.isUnit() && !"000".equals(owner.department())) {
            PlanUnit u = units.get(owner.code());
            if (u == null || u.label().isEmpty()) {
                return List.of();
            }
            apex = u.label() + "." + apex;
        }
        List<String> out = new ArrayList<>(2);
        out.add(apex + "." + publicSuffix());
        if (!internalSuffix().isEmpty()) {
            out.add(apex + "." + internalSuffix());
        }
        return out;
    }
}
