package cn.egov.api.portal;

import cn.egov.api.policy.PolicyScope;
import cn.egov.rules.unit.UnitCode;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One site of the province's website tree: its domain name, who owns it (a division or a unit),
 * the site above it and which boxes mirror it.
 *
 * <p>Owners are GB/T 2260 codes: the province ({@code 13}), a city ({@code 1306}), a county
 * ({@code 130602}) own their government portal; a unit ({@code 130602-001}) its department site.
 * By default a site is mirrored by every box under its owner ({@link #defaultMirrors}): the
 * provincial portal by all, a city's by the city's units, a department's by that unit's box.
 *
 * @param site    lower-case domain name, e.g. {@code www.bd.gov.cn}
 * @param owner   division or unit code
 * @param parent  the site above ({@code ""} for the root of the tree)
 * @param mirrors which boxes mirror it
 */
public record SiteNode(String site, String owner, String parent, PolicyScope mirrors) {

    /** A lower-case LDH host name with at least two labels. */
    private static final Pattern DOMAIN = Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern OWNER = Pattern.compile("\\d{2}|\\d{4}|\\d{6}|\\d{6}-\\d{3}");

    /** The level of a site in the tree, from its owner. */
    public enum Level {
        PROVINCE, CITY, COUNTY, DEPARTMENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SiteNode {
        requireDomain(site, "site");
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("site " + site + ": owner '" + owner + "' is not a province, city, county or unit code");
        }
        if (parent == null) {
            parent = "";
        }
        if (!parent.isEmpty()) {
            requireDomain(parent, "parent");
            if (parent.equals(site)) {
                throw new IllegalArgumentException("site " + site + " is its own parent");
            }
        }
        if (mirrors == null) {
            throw new IllegalArgumentException("site " + site + ": mirrors is missing");
        }
    }

    /** Checks a domain name; the error names the field. */
    public static String requireDomain(String name, String field) {
        if (name == null || !DOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " '" + name + "' is not a lower-case domain name");
        }
        return name;
    }

    public Level level() {
        return switch (owner.length()) {
            case 2 -> Level.PROVINCE;
            case 4 -> Level.CITY;
            case 6 -> Level.COUNTY;
            default -> Level.DEPARTMENT;
        };
    }

    /** Every box under the owner: {@code province:13}, {@code city:1306}, {@code county:130602}, {@code unit:130602-001}. */
    public static PolicyScope defaultMirrors(String owner) {
        return PolicyScope.parse(switch (owner.length()) {
            case 2 -> "province:" + owner;
            case 4 -> "city:" + owner;
            case 6 -> "county:" + owner;
            default -> "unit:" + owner;
        });
    }

    /**
     * True when {@code unit} speaks for this site: the unit that owns a department site, or the
     * government office ({@code -000}) of the division that owns a portal. What a box may publish
     * an emergency notice on.
     */
    public boolean ownedBy(UnitCode unit) {
        if (level() == Level.DEPARTMENT) {
            return owner.equals(unit.toString());
        }
        String u = unit.toString();
        if (!u.endsWith("-000")) {
            return false;
        }
        String division = u.substring(0, 6);
        // a city's office is 130600-000, the province's 130000-000: strip the zero padding
        String code = switch (level()) {
            case PROVINCE -> division.endsWith("0000") ? division.substring(0, 2) : "";
            case CITY -> division.endsWith("00") ? division.substring(0, 4) : "";
            default -> division;
        };
        return owner.equals(code);
    }
}
