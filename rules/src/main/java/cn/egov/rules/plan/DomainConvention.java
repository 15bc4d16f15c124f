package cn.egov.rules.plan;

import java.util.List;
import java.util.Optional;

/**
 * The national naming convention: a government portal is {@code www.<place>.gov.cn}, a
 * department site {@code <dept>.<place>.gov.cn}; internal names end in the owner's apex under the
 * plan's internal suffix ({@code <host>.<dept>.<place>.<internal-suffix>}).
 */
public final class DomainConvention {

    private DomainConvention() {
    }

    /** Why {@code name} breaks the convention for {@code owner}, or null when it follows it. */
    public static String check(AddressPlan plan, Owner owner, String name) {
        Optional<String> place = plan.placeOf(owner);
        if (place.isEmpty()) {
            return name + ": no place label declared for division " + owner.division() + " (add 'place "
                    + owner.division() + " <label>')";
        }
        List<String> apex = plan.domainSuffixes(owner);
        if (apex.isEmpty()) {
            return name + ": unit " + owner + " is not declared with a domain label (add 'unit " + owner + " <label> <name>')";
        }
        boolean department = owner.isUnit() && !"000".equals(owner.department());
        String publicName = department ? apex.get(0) : "www." + apex.get(0);
        if (name.equals(publicName)) {
            return null;
        }
        if (apex.size() > 1 && name.endsWith("." + apex.get(1))) {
            return null;
        }
        String internal = apex.size() > 1 ? " or <host>." + apex.get(1) : "";
        return name + " breaks the naming convention for " + owner + ": expected " + publicName + internal;
    }

    /** The public site name an owner should use: {@code www.<place>.gov.cn} or {@code <dept>.<place>.gov.cn}. */
    public static Optional<String> publicName(AddressPlan plan, Owner owner) {
        List<String> apex = plan.domainSuffixes(owner);
        if (apex.isEmpty()) {
            return Optional.empty();
        }
        boolean department = owner.isUnit() && !"000".equals(owner.department());
        return Optional.of(department ? apex.get(0) : "www." + apex.get(0));
    }

    /** The internal name a host of an owner should have: {@code <host>.<apex>.<internal-suffix>}. */
    public static Optional<String> internalName(AddressPlan plan, Owner owner, String hostLabel) {
        List<String> apex = plan.domainSuffixes(owner);
        return apex.size() > 1 ? Optional.of(hostLabel + "." + apex.get(1)) : Optional.empty();
    }
}
