package cn.egov.manager.web;

import cn.egov.manager.account.Role;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.eclipse.jetty.server.Request;

/**
 * Who is asking, as the dispatcher authenticated it: an account (HTTP Basic) or an API token. A
 * county-bound caller (a technician) sees only boxes, units, alarms and plan entries of its
 * counties; handlers ask {@link #sees(String)} and answer "not found" for everything else, the
 * same way whether or not the thing exists.
 *
 * @param name     account name, or the token role's user name ({@code noc}, {@code auditor})
 * @param role     the role
 * @param counties the counties a county-bound role is limited to; empty for province-wide roles
 * @param token    true when authenticated by an API token rather than an account's password
 */
public record Caller(String name, Role role, SortedSet<String> counties, boolean token) {

    static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        counties = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(counties));
    }

    public static Caller account(String name, Role role, Set<String> counties) {
        return new Caller(name, role, new TreeSet<>(counties), false);
    }

    public static Caller token(Role role) {
        return new Caller(role.label, role, new TreeSet<>(), true);
    }

    /** The caller the dispatcher stored on an authenticated request, or null on a public route. */
    public static Caller of(Request request) {
        return (Caller) request.getAttribute(ATTRIBUTE);
    }

    /** True when the caller sees the whole province. */
    public boolean provinceWide() {
        return !role.countyBound;
    }

    /**
     * True when the caller may see {@code code}: a unit code ({@code 130602-001}) or a county
     * ({@code 130602}) inside one of its counties. Cities and the province (2 or 4 digits) only
     * province-wide callers see; so does anything that is not a code.
     */
    public boolean sees(String code) {
        if (provinceWide()) {
            return true;
        }
        if (code == null || code.length() < 6) {
            return false;
        }
        if (code.length() != 6 && !(code.length() == 10 && code.charAt(6) == '-')) {
            return false;
        }
        return counties.contains(code.substring(0, 6));
    }
}
