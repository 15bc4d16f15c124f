package cn.egov.manager.account;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code accounts} table. Read at every login, so that an account removed or a password changed
 * by {@code manager account} (another process) takes effect at the next request.
 */
public final class AccountStore {

    /**
     * Names reserved for the API-token roles ({@code auth.noc.token}, {@code auth.auditor.token}), which
     * log in with Basic {@code noc:<token>}: an account of that name would be ambiguous.
     */
    public static final List<String> RESERVED_NAMES = List.of(Role.NOC.label, Role.AUDITOR.label);

    private final Database database;

    public AccountStore(Database database) {
        this.database = database;
    }

    public Optional<Account> find(String name) throws SQLException {
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT name, role, counties, password_hash, created, updated FROM accounts WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Every account, by name. */
    public List<Account> list() throws SQLException {
        List<Account> out = new ArrayList<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT name, role, counties, password_hash, created, updated FROM accounts ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    /** Adds a new account; refused when the name is taken or reserved. */
    public void add(Account a) throws SQLException {
        if (RESERVED_NAMES.contains(a.name())) {
            throw new IllegalArgumentException("account name '" + a.name() + "' is reserved for the auth." + a.name() + ".token API token");
        }
        if (find(a.name()).isPresent()) {
            throw new IllegalArgumentException("account '" + a.name() + "' exists already");
        }
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (name, role, counties, password_hash, created, updated)"
                     + " VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.name());
            ps.setString(2, a.role().name());
            ps.setString(3, String.join(",", a.counties()));
            ps.setString(4, a.passwordHash());
            ps.setLong(5, a.created());
            ps.setLong(6, a.updated());
            ps.executeUpdate();
        }
    }

    /** Replaces the password hash; false when there is no such account. */
    public boolean setPassword(String name, String hash, long now) throws SQLException {
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE accounts SET password_hash = ?, updated = ? WHERE name = ?")) {
            ps.setString(1, hash);
            ps.setLong(2, now);
            ps.setString(3, name);
            return ps.executeUpdate() == 1;
        }
    }

    /** Removes an account; false when there was none. */
    public boolean remove(String name) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static Account read(ResultSet rs) throws SQLException {
        String counties = rs.getString(3);
        TreeSet<String> set = new TreeSet<>();
        if (!counties.isEmpty()) {
            set.addAll(Arrays.asList(counties.split(",")));
        }
        return new Account(rs.getString(1), Role.valueOf(rs.getString(2)), set, rs.getString(4), rs.getLong(5), rs.getLong(6));
    }
}
