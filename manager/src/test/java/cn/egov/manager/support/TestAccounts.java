package cn.egov.manager.support;

import cn.egov.manager.account.Account;
import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.PasswordHasher;
import cn.egov.manager.account.Role;
import cn.egov.manager.store.Database;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** Accounts for tests, added straight to the manager's store (as {@code manager account add} does). */
public final class TestAccounts {

    /** The password every test account gets. */
    public static final String PASSWORD = "test-password-0123";

    private TestAccounts() {
    }

    /** Adds an account with {@link #PASSWORD}; a technician bound to {@code counties}. */
    public static void add(Database db, String name, Role role, String... counties) throws Exception {
        long now = System.currentTimeMillis();
        new AccountStore(db).add(new Account(name, role, new java.util.TreeSet<>(Set.of(counties)),
                new PasswordHasher().hash(PASSWORD.toCharArray()), now, now));
    }

    /** {@code Authorization: Basic ...} for an account with {@link #PASSWORD}. */
    public static String basic(String name) {
        return basic(name, PASSWORD);
    }

    public static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
