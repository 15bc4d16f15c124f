package cn.egov.console.store;

import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The box's local accounts: name, Argon2id password hash, roles, unit; and each account's API
 * token (stored as its SHA-256: the token itself is shown once, when it is made). Log-in is local
 * so that the console works while the backbone is down.
 */
public final class Accounts {
    /** Account names: short, lower-case, safe in a log line and a URL. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final int TOKEN_BYTES = 32;

    private final ConsoleDatabase db;
    private final PasswordHash hasher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Accounts(ConsoleDatabase db, PasswordHash hasher, Clock clock) {
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
    }

    public void add(String name, char[] password, Set<Role> roles, String unit) throws StoreException {
        checkName(name);
        checkPassword(password);
        if (roles.isEmpty()) {
            throw new StoreException("account '" + name + "' needs at least one role: technician, clerk, duty_officer");
        }
        checkUnit(unit);
        String hash = hasher.hash(password);
        long now = clock.millis();
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement(
                    "INSERT INTO account (name, password, roles, unit, created, changed) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, hash);
                ps.setString(3, roleText(roles));
                ps.setString(4, unit);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (exists(name)) {
                    throw new StoreException("account '" + name + "' already exists");
                }
                throw failure("add account " + name, e);
            }
        }
    }

    public void remove(String name) throws StoreException {
        update("remove account", name, "DELETE FROM account WHERE name = ?");
    }

    public void setPassword(String name, char[] password) throws StoreException {
        checkPassword(password);
        String hash = hasher.hash(password);
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("UPDATE account SET password = ?, changed = ? WHERE name = ?")) {
                ps.setString(1, hash);
                ps.setLong(2, clock.millis());
                ps.setString(3, name);
                requireOne(ps.executeUpdate(), name);
            } catch (SQLException e) {
                throw failure("change the password of " + name, e);
            }
        }
    }

    public void setRoles(String name, Set<Role> roles) throws StoreException {
        if (roles.isEmpty()) {
            throw new StoreException("account '" + name + "' needs at least one role");
        }
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("UPDATE account SET roles = ?, changed = ? WHERE name = ?")) {
                ps.setString(1, roleText(roles));
                ps.setLong(2, clock.millis());
                ps.setString(3, name);
                requireOne(ps.executeUpdate(), name);
            } catch (SQLException e) {
                throw failure("change the roles of " + name, e);
            }
        }
    }

    public List<Account> list() throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement(
                    "SELECT a.name, a.roles, a.unit, a.created, a.changed, t.name IS NOT NULL FROM account a "
                            + "LEFT JOIN api_token t ON t.name = a.name ORDER BY a.name");
                 ResultSet rs = ps.executeQuery()) {
                List<Account> accounts = new ArrayList<>();
                while (rs.next()) {
                    accounts.add(new Account(rs.getString(1), roles(rs.getString(2)), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), rs.getBoolean(6)));
                }
                return accounts;
            } catch (SQLException e) {
                throw failure("list accounts", e);
            }
        }
    }

    /**
     * When the account's password or roles last changed, or empty when there is no such account:
     * a session opened before that time must end (the change may have been made by {@code appliance
     * account} in another process, which cannot reach the console's sessions).
     */
    public Optional<Instant> changed(String name) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("SELECT changed FROM account WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                }
            } catch (SQLException e) {
                throw failure("read account " + name, e);
            }
        }
    }

    public Optional<Account> find(String name) throws StoreException {
        return list().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * The user whose name and password these are. The work is the same whether or not the account
     * exists, so the answer's timing does not tell which names exist.
     */
    public Optional<ConsoleUser> verify(String name, char[] password) throws StoreException {
        String hash;
        ConsoleUser user;
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("SELECT password, roles, unit FROM account WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        hash = null;
                        user = null;
                    } else {
                        hash = rs.getString(1);
                        user = new ConsoleUser(name, roles(rs.getString(2)), rs.getString(3));
                    }
                }
            } catch (SQLException e) {
                throw failure("read account " + name, e);
            }
        }
        if (hash == null) {
            hasher.verifyNothing(password);
            return Optional.empty();
        }
        return hasher.verify(password, hash) ? Optional.of(user) : Optional.empty();
    }

    /** Makes (or replaces) the account's API token and returns it: it is not stored and cannot be shown again. */
    public String newApiToken(String name) throws StoreException {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = "egc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement(
                    "INSERT OR REPLACE INTO api_token (name, hash, created) VALUES (?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, sha256(token));
                ps.setLong(3, clock.millis());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw failure("make an API token for " + name, e);
            }
        }
        return token;
    }

    public void revokeApiToken(String name) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("DELETE FROM api_token WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw failure("revoke the API token of " + name, e);
            }
        }
    }

    /** The user an API token belongs to (tokens are random: a hash lookup is enough, no slow hash needed). */
    public Optional<ConsoleUser> byApiToken(String token) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement("SELECT a.name, a.roles, a.unit FROM api_token t "
                    + "JOIN account a ON a.name = t.name WHERE t.hash = ?")) {
                ps.setString(1, sha256(token));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ConsoleUser(rs.getString(1), roles(rs.getString(2)), rs.getString(3)))
                            : Optional.empty();
                }
            } catch (SQLException e) {
                throw failure("look up an API token", e);
            }
        }
    }

    public static Set<Role> parseRoles(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                roles.add(Role.parse(part));
            }
        }
        return roles;
    }

    private static Set<Role> roles(String text) {
        return text.isEmpty() ? Set.of() : parseRoles(text);
    }

    private static String roleText(Set<Role> roles) {
        return EnumSet.copyOf(roles).stream().map(Role::name).collect(Collectors.joining(","));
    }

    private static void checkName(String name) throws StoreException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new StoreException("account name '" + (name == null ? "" : cn.egov.api.text.LogSafe.of(name))
                    + "' must be 1-32 lower-case letters, digits, '.', '_' or '-', starting with a letter");
        }
    }

    private static void checkPassword(char[] password) throws StoreException {
        String problem = PasswordHash.problem(password);
        if (problem != null) {
            throw new StoreException(problem);
        }
    }

    private static void checkUnit(String unit) throws StoreException {
        if (!UnitCode.isValid(unit)) {
            throw new StoreException("unit '" + cn.egov.api.text.LogSafe.of(unit) + "' is not a unit code like 130602-001");
        }
    }

    private boolean exists(String name) throws StoreException {
        return find(name).isPresent();
    }

    private void update(String what, String name, String sql) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = connection().prepareStatement(sql)) {
                ps.setString(1, name);
                requireOne(ps.executeUpdate(), name);
            } catch (SQLException e) {
                throw failure(what + " " + name, e);
            }
        }
    }

    private static void requireOne(int rows, String name) throws StoreException {
        if (rows != 1) {
            throw new StoreException("no account '" + cn.egov.api.text.LogSafe.of(name) + "'");
        }
    }

    private Connection connection() {
        return db.connection();
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException("cannot " + what + " in " + db.path() + ": " + e.getMessage(), e);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Overwrites a password in memory once it is no longer needed. */
    public static void wipe(char[] password) {
        Arrays.fill(password, '\0');
    }
}
