package cn.egov.console.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.TestClock;
import cn.egov.console.api.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsTest {
    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T08:00:00Z"));
    private ConsoleDatabase db;

    private Accounts accounts() throws StoreException {
        db = ConsoleDatabase.open(ConsoleDatabase.file(dir));
        return new Accounts(db, new PasswordHash(new PasswordHash.Settings(1024, 1, 1)), clock);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anAccountLogsInWithItsPasswordAndRolesAndTheStoreIsPrivate() throws Exception {
        Accounts accounts = accounts();
        accounts.add("li.wei", "twelve chars!".toCharArray(), Set.of(Role.CLERK, Role.DUTY_OFFICER), "130602-001");
        var user = accounts.verify("li.wei", "twelve chars!".toCharArray()).orElseThrow();
        assertEquals(Set.of(Role.CLERK, Role.DUTY_OFFICER), user.roles());
        assertEquals("130602-001", user.unit());
        assertTrue(accounts.verify("li.wei", "twelve chars?".toCharArray()).isEmpty());
        assertTrue(accounts.verify("nobody", "twelve chars!".toCharArray()).isEmpty());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db.path())));
    }

    @Test
    void badInputIsRefusedInOneLineAndNothingIsStored() throws Exception {
        Accounts accounts = accounts();
        assertEquals("the password is too short: at least 12 characters, got 5", assertThrows(StoreException.class,
                () -> accounts.add("tech", "short".toCharArray(), Set.of(Role.TECHNICIAN), "130602-001")).getMessage());
        assertTrue(assertThrows(StoreException.class, () -> accounts.add("Tech\nINFO x", "twelve chars!".toCharArray(),
                Set.of(Role.TECHNICIAN), "130602-001")).getMessage().contains("'Tech\\nINFO x'"));
        assertTrue(assertThrows(StoreException.class, () -> accounts.add("tech", "twelve chars!".toCharArray(),
                Set.of(), "130602-001")).getMessage().contains("at least one role"));
        assertTrue(assertThrows(StoreException.class, () -> accounts.add("tech", "twelve chars!".toCharArray(),
                Set.of(Role.TECHNICIAN), "1306")).getMessage().contains("unit code"));
        assertTrue(accounts.list().isEmpty());
        accounts.add("tech", "twelve chars!".toCharArray(), Set.of(Role.TECHNICIAN), "130602-001");
        assertEquals("account 'tech' already exists", assertThrows(StoreException.class,
                () -> accounts.add("tech", "another pass!".toCharArray(), Set.of(Role.CLERK), "130602-001")).getMessage());
        assertTrue(accounts.verify("tech", "twelve chars!".toCharArray()).isPresent(), "the first account is unchanged");
        assertEquals("no account 'ghost'", assertThrows(StoreException.class, () -> accounts.remove("ghost")).getMessage());
    }

    @Test
    void passwordRolesRemovalAndApiTokens() throws Exception {
        Accounts accounts = accounts();
        accounts.add("tech", "twelve chars!".toCharArray(), Set.of(Role.TECHNICIAN), "130602-001");
        clock.advance(Duration.ofMinutes(1));
        accounts.setPassword("tech", "a new password".toCharArray());
        assertTrue(accounts.verify("tech", "twelve chars!".toCharArray()).isEmpty());
        assertTrue(accounts.verify("tech", "a new password".toCharArray()).isPresent());
        accounts.setRoles("tech", Set.of(Role.TECHNICIAN, Role.CLERK));
        assertEquals(Set.of(Role.TECHNICIAN, Role.CLERK), accounts.find("tech").orElseThrow().roles());

        String token = accounts.newApiToken("tech");
        assertEquals("tech", accounts.byApiToken(token).orElseThrow().name());
        assertTrue(accounts.find("tech").orElseThrow().apiToken());
        String second = accounts.newApiToken("tech");
        assertTrue(accounts.byApiToken(token).isEmpty(), "a new token replaces the old one");
        accounts.remove("tech");
        assertTrue(accounts.byApiToken(second).isEmpty(), "removing the account removes its token");
    }
}
