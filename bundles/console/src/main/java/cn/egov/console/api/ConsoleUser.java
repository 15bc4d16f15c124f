package cn.egov.console.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The person a console request comes from, authenticated by the console.
 *
 * @param name  the account name
 * @param roles what the account may do (at least one)
 * @param unit  the unit code the account belongs to (usually the box's own unit, e.g. 130602-001)
 */
public record ConsoleUser(String name, Set<Role> roles, String unit) {
    public ConsoleUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** True when the user holds at least one of {@code anyOf}. */
    public boolean hasAny(Set<Role> anyOf) {
        return anyOf.stream().anyMatch(roles::contains);
    }
}
