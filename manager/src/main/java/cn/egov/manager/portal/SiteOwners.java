package cn.egov.manager.portal;

import cn.egov.manager.fleet.KnownUnits;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Divisions;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may own a site: the province itself, one of its cities or counties (GB/T 2260, the
 * province's division list), or a unit of it — declared in the address plan once one is in force
 * (the same check the broker admits boxes by). A site owned by a code that is no division of the
 * province would be mirrored by nobody, or by boxes of another province's codes.
 */
final class SiteOwners {

    private final Divisions province;
    private final String provinceCode;
    private final KnownUnits units;

    SiteOwners(Divisions province, Supplier<Optional<AddressPlan>> plan) {
        this.province = province;
        this.provinceCode = province.all().stream().filter(d -> d.level() == 1).map(Divisions.Division::code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the division list names no province"));
        this.units = new KnownUnits(province, plan);
    }

    /** Why {@code owner} cannot own a site, or empty when it may (its form is checked by {@code SiteNode}). */
    Optional<String> refusal(String owner) {
        if (owner.length() == 2) {
            return owner.equals(provinceCode) ? Optional.empty()
                    : Optional.of("owner " + owner + " is not this province (" + provinceCode + ", " + province.name(provinceCode) + ")");
        }
        if (owner.length() == 4 || owner.length() == 6) {
            return province.contains(owner) && owner.startsWith(provinceCode) ? Optional.empty()
                    : Optional.of("owner " + owner + " is no city or county of " + province.name(provinceCode));
        }
        KnownUnits.Check c = units.check(owner);
        return c.known() ? Optional.empty() : Optional.of("owner " + owner + " cannot own a site: " + c.detail());
    }
}
