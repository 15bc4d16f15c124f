package cn.egov.manager.ca;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.DomainEntry;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.PlanWhois;
import cn.egov.rules.unit.UnitCode;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link UnitNames} from the province's address and domain plan ({@code rules/README.md}):
 * <ul>
 *   <li>the unit's division must be one of the province's ({@link Divisions}), and the plan must
 *       declare the unit ({@code unit 130602-001 jyj 竞秀区教育局});</li>
 *   <li>a domain must be a host name ({@link BoxDomainName}) that the plan gives that unit
 *       ({@code domain 130602-001 jyj.jingxiu.gov.cn}); a government office (department
 *       {@code 000}) also holds its division's names ({@code domain 130602 www.jingxiu.gov.cn});</li>
 *   <li>a refusal names the plan's owner of the domain when it has one.</li>
 * </ul>
 * The plan is asked for at every check (tokens and enrolments are rare; a plan imported while the
 * manager runs applies at once).
 */
public final class PlanUnitNames implements UnitNames {

    /**
     * The plan in force, or why there is none.
     *
     * @param plan   the plan, or null
     * @param absent what is missing and how to provide it, when {@code plan} is null
     */
    public record Lookup(AddressPlan plan, String absent) {
        public static Lookup of(AddressPlan plan) {
            return new Lookup(plan, null);
        }

        public static Lookup absent(String why) {
            return new Lookup(null, why);
        }
    }

    private final Supplier<Lookup> plans;
    private final Divisions divisions;

    public PlanUnitNames(Supplier<Lookup> plans, Divisions divisions) {
        this.plans = plans;
        this.divisions = divisions;
    }

    /** A fixed plan of Hebei (tests, the Java API). */
    public static PlanUnitNames of(AddressPlan plan) {
        Lookup l = Lookup.of(plan);
        return new PlanUnitNames(() -> l, Divisions.hebei());
    }

    @Override
    public Optional<String> refusal(UnitCode unit, String domain) {
        Owner owner = Owner.of(unit);
        if (!divisions.contains(owner.division())) {
            return Optional.of("unit " + unit + " is outside the province: division " + owner.division()
                    + " is not one of " + provinceName() + "'s divisions");
        }
        Lookup lookup = plans.get();
        if (lookup.plan() == null) {
            return Optional.of("no address plan to check unit " + unit + " against: " + lookup.absent());
        }
        AddressPlan plan = lookup.plan();
        if (!plan.units().containsKey(unit.toString())) {
            return Optional.of("unit " + unit + " is not in the address plan (declare it with 'unit " + unit
                    + " <label> <name>' and import the plan first)");
        }
        if (domain == null) {
            return Optional.empty();
        }
        String form = BoxDomainName.problem(domain);
        if (form != null) {
            return Optional.of(form);
        }
        for (DomainEntry d : plan.domains()) {
            if (d.name().equals(domain)) {
                if (d.owner().equals(owner) || officeOf(owner, d.owner())) {
                    return Optional.empty();
                }
                PlanWhois whois = new PlanWhois(plan, divisions);
                return Optional.of("domain '" + domain + "' belongs to " + d.owner() + " (" + whois.ownerName(d.owner())
                        + ") in the address plan, not to unit " + unit);
            }
        }
        PlanWhois.Answer space = new PlanWhois(plan, divisions).ask(domain);
        if (owner.equals(space.owner())) {
            return Optional.of("domain '" + domain + "' is not in the address plan, though it lies in unit " + unit
                    + "'s name space; add 'domain " + unit + " " + domain + "' to the plan and import it first");
        }
        if (space.owner() != null) {
            return Optional.of("domain '" + domain + "' is not in the address plan; it lies in the name space of "
                    + space.owner() + " (" + space.ownerName() + "), which has not given it to unit " + unit);
        }
        return Optional.of("domain '" + domain + "' is not in the address plan");
    }

    /** A government office (department 000) acts for its division: 130602-000 holds 130602's names. */
    private static boolean officeOf(Owner unit, Owner holder) {
        return "000".equals(unit.department()) && !holder.isUnit() && holder.code().equals(unit.division());
    }

    private String provinceName() {
        return divisions.all().stream().filter(d -> d.level() == 1).map(Divisions.Division::name).findFirst().orElse("the province");
    }
}
