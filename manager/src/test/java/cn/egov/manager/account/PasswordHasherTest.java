package cn.egov.manager.account;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void argon2idHashesVerifyAndAreSalted() {
        String a = hasher.hash("correct horse battery".toCharArray());
        String b = hasher.hash("correct horse battery".toCharArray());
        assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
        assertNotEquals(a, b, "a fresh salt each time");
        assertTrue(hasher.verify("correct horse battery".toCharArray(), a));
        assertTrue(hasher.verify("correct horse battery".toCharArray(), b));
        assertFalse(hasher.verify("correct horse batterz".toCharArray(), a));
        assertFalse(hasher.verify("x".toCharArray(), "not a hash"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA"), "absurd parameters refused, not computed");
        assertFalse(hasher.verifyDecoy("correct horse battery".toCharArray()));
    }
}
