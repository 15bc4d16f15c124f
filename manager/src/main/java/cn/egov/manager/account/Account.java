package cn.egov.manager.account;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A person who logs in to the manager.
 *
 * @param name         login name: lower-case letters, digits, '.', '_' and '-', 2 to 64 characters
 * @param role         what the person may do
 * @param counties     6-digit county codes a {@link Role#TECHNICIAN} is bound to; empty for every other role
 * @param passwordHash the password as {@link PasswordHasher} stores it (never the password)
 * @param created      ms since the epoch
 * @param updated      ms since the epoch of the last change (password, counties)
 */
public record Account(String name, Role role, SortedSet<String> counties, String passwordHash, long created, long updated) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    private static final Pattern COUNTY = Pattern.compile("\\d{6}");

    public Account {
        requireValidName(name);
        if (role == null) {
            throw new IllegalArgumentException("account " + name + " has no role");
        }
        counties = new TreeSet<>(counties);
        for (String c : counties) {
            if (!COUNTY.matcher(c).matches()) {
                throw new IllegalArgumentException("county must be a 6-digit county code such as 130602, got '" + c + "'");
            }
        }
        if (role.countyBound && counties.isEmpty()) {
            throw new IllegalArgumentException("a " + role.label + " account must name at least one county (--county 130602)");
        }
        if (!role.countyBound && !counties.isEmpty()) {
            throw new IllegalArgumentException("a " + role.label + " account sees the whole province: it takes no county");
        }
        counties = java.util.Collections.unmodifiableSortedSet(counties);
    }

    /** Refuses names that are not plain login names (they end up in logs, URLs and the audit log). */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("account name must be 2-64 of a-z 0-9 . _ - (starting with a letter or digit), got '"
                    + cn.egov.api.text.LogSafe.of(name) + "'");
        }
        return name;
    }

    public Account withPassword(String hash, long now) {
        return new Account(name, role, counties, hash, created, now);
    }

    public static Account of(String name, Role role, Set<String> counties, String passwordHash, long now) {
        return new Account(name, role, new TreeSet<>(counties), passwordHash, now, now);
    }
}
