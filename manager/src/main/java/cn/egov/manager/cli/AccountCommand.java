package cn.egov.manager.cli;

import cn.egov.manager.account.Account;
import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.PasswordHasher;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import cn.egov.rules.plan.Divisions;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code manager account add|list|remove|passwd}: the people who log in to the manager's web UI
 * and REST API (HTTP Basic). Passwords are read from {@code --password-file}, from standard input
 * when it is not a terminal (first line), or asked twice at the terminal; never from the command
 * line, where {@code ps} would show them. Every change goes to the audit log. Exit codes: 0 done,
 * 1 refused (name taken, no such account), 2 bad input.
 */
@Command(name = "account", mixinStandardHelpOptions = true,
        description = "Accounts of the web UI and REST API: add, list, remove, change a password. Exit 0 done, 1 refused, 2 bad input.",
        subcommands = {AccountCommand.Add.class, AccountCommand.ListAccounts.class, AccountCommand.Remove.class, AccountCommand.Passwd.class})
public final class AccountCommand implements Runnable {

    static final int DONE = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every subcommand takes. */
    static class Common {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration file (for its database).")
        Path config;

        AccountStore store() throws SQLException {
            return new AccountStore(database());
        }

        Database database() throws SQLException {
            ManagerConfig cfg = ConfigParts.load(config); // every part's keys: a file the server runs with is read here too
            return Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD));
        }

        static void audit(Database db, String action, String target, AuditEntry.Outcome outcome, String detail) throws SQLException {
            CliAudit.record(db, action, target, outcome, detail);
        }
    }

    /** Options of the commands that set a password. */
    static class PasswordInput {
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE"
                + " (else standard input when it is not a terminal, else asked twice).")
        Path passwordFile;

        char[] read() throws IOException {
            char[] pw;
            if (passwordFile != null) {
                pw = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").toCharArray();
            } else {
                Console console = System.console();
                if (console == null) {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    pw = line == null ? new char[0] : line.toCharArray();
                } else {
                    pw = console.readPassword("password: ");
                    char[] again = console.readPassword("again: ");
                    if (pw == null || !Arrays.equals(pw, again)) {
                        throw new IllegalArgumentException("the two passwords differ");
                    }
                }
            }
            if (pw.length < PasswordHasher.MIN_PASSWORD_CHARS) {
                throw new IllegalArgumentException("a password needs at least " + PasswordHasher.MIN_PASSWORD_CHARS + " characters");
            }
            return pw;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an account. A technician names the counties it may see.")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common = new Common();
        @picocli.CommandLine.Mixin
        PasswordInput password = new PasswordInput();
        @Parameters(index = "0", paramLabel = "NAME", description = "Login name (a-z 0-9 . _ -)")
        String name;
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "noc, auditor, technician, duty-officer or admin")
        String role;
        @Option(names = "--county", paramLabel = "CODE", description = "A county a technician may see (6 digits, GB/T 2260); repeat for more")
        List<String> counties = List.of();

        @Override
        public Integer call() throws Exception {
            Account account;
            try {
                Role r = Role.byLabel(role).orElseThrow(() -> new IllegalArgumentException("--role must be one of "
                        + Arrays.stream(Role.values()).map(x -> x.label).toList() + ", got '" + role + "'"));
                for (String c : counties) {
                    var d = Divisions.hebei().find(c);
                    if (!c.matches("\\d{6}") || d.isEmpty() || d.get().level() != 3) {
                        throw new IllegalArgumentException("--county " + c + " is not a county of the province (GB/T 2260, e.g. 130602)");
                    }
                }
                account = Account.of(Account.requireValidName(name), r, new TreeSet<>(counties), "", 0);
            } catch (IllegalArgumentException e) {
                System.err.println("manager account add: " + e.getMessage());
                return BAD_INPUT;
            }
            Database db = common.database();
            AccountStore store = new AccountStore(db);
            if (AccountStore.RESERVED_NAMES.contains(name) || store.find(name).isPresent()) {
                System.err.println("manager account add: account name '" + name + "' is "
                        + (AccountStore.RESERVED_NAMES.contains(name) ? "reserved for the auth." + name + ".token API token" : "taken"));
                Common.audit(db, "account.add", name, AuditEntry.Outcome.REFUSED, "name taken or reserved");
                return REFUSED;
            }
            char[] pw;
            try {
                pw = password.read();
            } catch (IllegalArgumentException e) {
                System.err.println("manager account add: " + e.getMessage());
                return BAD_INPUT;
            }
            long now = System.currentTimeMillis();
            store.add(new Account(account.name(), account.role(), account.counties(), new PasswordHasher().hash(pw), now, now));
            Arrays.fill(pw, '\0');
            Common.audit(db, "account.add", name, AuditEntry.Outcome.SUCCESS, "role " + account.role().label
                    + (account.counties().isEmpty() ? "" : ", counties " + String.join(",", account.counties())));
            System.out.println("account " + name + " added (" + account.role().label
                    + (account.counties().isEmpty() ? "" : ", counties " + String.join(",", account.counties())) + ")");
            return DONE;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts: name, role, counties, last change.")
    static final class ListAccounts implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            List<Account> all = common.store().list();
            System.out.printf("%-24s %-13s %-24s %s%n", "NAME", "ROLE", "COUNTIES", TableTime.header("CHANGED"));
            for (Account a : all) {
                System.out.printf("%-24s %-13s %-24s %s%n", a.name(), a.role().label, a.counties().isEmpty() ? "(province)"
                        : String.join(",", a.counties()), TableTime.ofMillis(a.updated()));
            }
            System.out.println(all.size() + " account(s)");
            return DONE;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account; its next request is refused.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common = new Common();
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Database db = common.database();
            boolean removed = new AccountStore(db).remove(name);
            Common.audit(db, "account.remove", name, removed ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.REFUSED,
                    removed ? "removed" : "no such account");
            if (!removed) {
                System.err.println("manager account remove: no account '" + name + "'");
                return REFUSED;
            }
            System.out.println("account " + name + " removed");
            return DONE;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a new password for an account.")
    static final class Passwd implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common = new Common();
        @picocli.CommandLine.Mixin
        PasswordInput password = new PasswordInput();
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Database db = common.database();
            AccountStore store = new AccountStore(db);
            if (store.find(name).isEmpty()) {
                System.err.println("manager account passwd: no account '" + name + "'");
                Common.audit(db, "account.passwd", name, AuditEntry.Outcome.REFUSED, "no such account");
                return REFUSED;
            }
            char[] pw;
            try {
                pw = password.read();
            } catch (IllegalArgumentException e) {
                System.err.println("manager account passwd: " + e.getMessage());
                return BAD_INPUT;
            }
            store.setPassword(name, new PasswordHasher().hash(pw), System.currentTimeMillis());
            Arrays.fill(pw, '\0');
            Common.audit(db, "account.passwd", name, AuditEntry.Outcome.SUCCESS, "password changed");
            System.out.println("password of " + name + " changed");
            return DONE;
        }
    }
}
