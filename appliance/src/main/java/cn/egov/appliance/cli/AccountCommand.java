package cn.egov.appliance.cli;

import cn.egov.console.api.Role;
import cn.egov.console.store.Account;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.console.store.StoreException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code appliance account}: the console's local accounts, in the store the running box uses
 * ({@code <data>/console/console.db}). Works with the box running or stopped; every change is
 * written to the console's audit log as done by {@code cli:<login name>}.
 */
@Command(name = "account", mixinStandardHelpOptions = true,
        description = {"Manage the accounts of the box's web console (roles: technician, clerk, duty_officer).",
                "Passwords are asked on the terminal (twice) or read from --password-file (first line); at least "
                        + PasswordHash.MIN_LENGTH + " characters.",
                "Exit code: 0 done, 2 refused (bad name, short password, unknown account...), one line on stderr."},
        subcommands = {AccountCommand.Add.class, AccountCommand.ListAccounts.class, AccountCommand.Remove.class,
                AccountCommand.Passwd.class})
public final class AccountCommand implements Runnable {
    static final int REFUSED = 2;

    @Override
    public void run() {
        System.err.println("appliance account: say add, list, remove or passwd (appliance account --help)");
    }

    /** Options every subcommand has. */
    abstract static class StoreCommand implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
                description = "The box's state directory, as given to 'appliance run' (default: ${DEFAULT-VALUE}).")
        Path data;

        @Override
        public Integer call() throws Exception {
            Path file = ConsoleDatabase.file(data);
            if (!Files.isDirectory(data)) {
                System.err.println("appliance account: --data " + data.toAbsolutePath() + ": no such directory");
                return REFUSED;
            }
            try (ConsoleDatabase db = ConsoleDatabase.open(file)) {
                Clock clock = Clock.systemUTC();
                Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), clock);
                AuditLog audit = new AuditLog(db, new AuditLog.Settings(AuditLog.MIN_RETENTION, Integer.MAX_VALUE), clock);
                return run(accounts, audit, "cli:" + System.getProperty("user.name", "?"));
            } catch (StoreException e) {
                System.err.println("appliance account: " + e.getMessage());
                return REFUSED;
            }
        }

        abstract int run(Accounts accounts, AuditLog audit, String who) throws StoreException, IOException;
    }

    /** A password from the terminal (asked twice) or from a file. */
    abstract static class PasswordCommand extends StoreCommand {
        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from the first line of FILE instead of asking.")
        Path passwordFile;

        char[] password() throws IOException, StoreException {
            if (passwordFile != null) {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                return text.lines().findFirst().orElse("").toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new StoreException("no terminal to ask the password on: give --password-file FILE");
            }
            char[] first = console.readPassword("Password (at least %d characters): ", PasswordHash.MIN_LENGTH);
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new StoreException("the two passwords differ: nothing changed");
            }
            Accounts.wipe(second);
            return first;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an account.")
    static final class Add extends PasswordCommand {
        @Parameters(paramLabel = "NAME", description = "Account name: lower-case letters, digits, '.', '_', '-'.")
        String name;

        @Option(names = "--roles", required = true, paramLabel = "ROLE[,ROLE]",
                description = "technician, clerk, duty_officer (several: comma-separated).")
        String roles;

        @Option(names = "--unit", paramLabel = "UNIT", description = "The account's unit code (default: the box's, from "
                + "--config DIR's cn.egov.identity.cfg, else required).")
        String unit;

        @Option(names = "--config", paramLabel = "DIR", description = "The box's configuration directory, for its unit code.")
        Path config;

        @Override
        int run(Accounts accounts, AuditLog audit, String who) throws StoreException, IOException {
            Set<Role> parsed;
            try {
                parsed = Accounts.parseRoles(roles);
            } catch (IllegalArgumentException e) {
                throw new StoreException(e.getMessage());
            }
            String unitCode = unit != null ? unit : boxUnit();
            char[] pw = password();
            try {
                accounts.add(name, pw, parsed, unitCode);
            } catch (StoreException e) {
                audit.record(who, "account add", name, "refused: " + e.getMessage(), "local");
                throw e;
            } finally {
                Accounts.wipe(pw);
            }
            audit.record(who, "account add", name, "ok", "local");
            System.out.println("account " + name + " added: " + parsed + ", unit " + unitCode);
            return 0;
        }

        private String boxUnit() throws IOException, StoreException {
            Path identity = config == null ? null : config.resolve("cn.egov.identity.cfg");
            if (identity != null && Files.isRegularFile(identity)) {
                for (String line : Files.readAllLines(identity, StandardCharsets.UTF_8)) {
                    String s = line.strip();
                    if (s.startsWith("unit.code") && s.contains("=")) {
                        return s.substring(s.indexOf('=') + 1).strip();
                    }
                }
            }
            throw new StoreException("say which unit the account belongs to: --unit 130602-001 (or --config DIR of the box)");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts.")
    static final class ListAccounts extends StoreCommand {
        @Override
        int run(Accounts accounts, AuditLog audit, String who) throws StoreException {
            System.out.printf("%-24s %-34s %-12s %-6s %s%n", "NAME", "ROLES", "UNIT", "TOKEN", "CHANGED");
            for (Account a : accounts.list()) {
                System.out.printf("%-24s %-34s %-12s %-6s %s%n", a.name(),
                        String.join(",", a.roles().stream().map(r -> r.name().toLowerCase()).sorted().toList()), a.unit(),
                        a.apiToken() ? "yes" : "no", a.changed());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account (and its API token).")
    static final class Remove extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Accounts accounts, AuditLog audit, String who) throws StoreException {
            try {
                accounts.remove(name);
            } catch (StoreException e) {
                audit.record(who, "account remove", name, "refused: " + e.getMessage(), "local");
                throw e;
            }
            audit.record(who, "account remove", name, "ok", "local");
            System.out.println("account " + name + " removed (its sessions end at their next request)");
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set an account's password.")
    static final class Passwd extends PasswordCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Accounts accounts, AuditLog audit, String who) throws StoreException, IOException {
            char[] pw = password();
            try {
                accounts.setPassword(name, pw);
            } catch (StoreException e) {
                audit.record(who, "account passwd", name, "refused: " + e.getMessage(), "local");
                throw e;
            } finally {
                Accounts.wipe(pw);
            }
            audit.record(who, "account passwd", name, "ok", "local");
            System.out.println("password of " + name + " changed");
            return 0;
        }
    }

}
