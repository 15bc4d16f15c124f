package cn.egov.console.store;

import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import java.time.Instant;
import java.util.Set;

/** An account as listed (no password hash). */
public record Account(String name, Set<Role> roles, String unit, Instant created, Instant changed, boolean apiToken) {
    public Account {
        roles = Set.copyOf(roles);
    }

    public ConsoleUser user() {
        return new ConsoleUser(name, roles, unit);
    }
}
