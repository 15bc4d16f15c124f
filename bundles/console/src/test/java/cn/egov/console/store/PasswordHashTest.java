package cn.egov.console.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private final PasswordHash hasher = new PasswordHash(new PasswordHash.Settings(1024, 2, 1));

    /** Bouncy Castle's Argon2id gives what the reference implementation (Debian's argon2 tool) gives. */
    @Test
    void matchesTheReferenceArgon2Tool() throws Exception {
        String salt = "somesaltsomesalt";
        Process p = new ProcessBuilder("argon2", salt, "-id", "-t", "3", "-m", "14", "-p", "1", "-l", "32", "-e").start();
        p.getOutputStream().write("correct horse battery".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String reference = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), reference);
        String ours = PasswordHash.hash("correct horse battery".toCharArray(), salt.getBytes(StandardCharsets.US_ASCII),
                new PasswordHash.Settings(16384, 3, 1));
        assertEquals(reference, ours);
        assertTrue(hasher.verify("correct horse battery".toCharArray(), reference), "a hash made elsewhere verifies");
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = hasher.hash("长城长城 Great Wall 1".toCharArray());
        assertTrue(hash.startsWith("$argon2id$v=19$m=1024,t=2,p=1$"), hash);
        assertTrue(hasher.verify("长城长城 Great Wall 1".toCharArray(), hash));
        assertFalse(hasher.verify("长城长城 Great Wall 2".toCharArray(), hash));
        assertNotEquals(hash, hasher.hash("长城长城 Great Wall 1".toCharArray()), "a new salt each time");
        assertFalse(hasher.verify("x".toCharArray(), "not a hash"));
        assertFalse(hasher.verifyNothing("anything".toCharArray()));
    }

    @Test
    void passwordsUnderTwelveCharactersAreRefused() {
        assertEquals("the password is too short: at least 12 characters, got 11", PasswordHash.problem("abcdefghijk".toCharArray()));
        assertNull(PasswordHash.problem("abcdefghijkl".toCharArray()));
        assertNull(PasswordHash.problem("值班值班值班值班值班值班".toCharArray()), "characters, not bytes");
    }
}
