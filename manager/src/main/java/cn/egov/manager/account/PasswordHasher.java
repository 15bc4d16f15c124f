package cn.egov.manager.account;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle), stored in the PHC string form
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} so that stronger parameters can be adopted
 * later without breaking stored hashes. The parameters are OWASP's minimum for Argon2id
 * (19 MiB, 2 passes): about 0.1 s on the manager's cores, which bounds guessing even when the
 * database is stolen.
 *
 * <p>At most {@link #CONCURRENT} hashes run at once: each takes 19 MiB, and a burst of logins
 * (or of guesses from many sources) must not take the heap; the others wait their turn.
 */
public final class PasswordHasher {

    /** The shortest password accepted for an account. */
    public static final int MIN_PASSWORD_CHARS = 12;
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    /** Stored parameters beyond these are refused rather than computed (a damaged row must not take the heap). */
    private static final int MAX_MEMORY_KIB = 256 * 1024;
    private static final int MAX_ITERATIONS = 64;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int CONCURRENT = 2;
    private static final String PREFIX = "$argon2id$v=19$";

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final Semaphore SLOTS = new Semaphore(CONCURRENT, true);

    private final SecureRandom random = new SecureRandom();
    /** Compared against when the user does not exist, so that a wrong name costs as long as a wrong password; made at first use. */
    private volatile String decoy;

    /** A new hash of {@code password} with a fresh salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return PREFIX + "m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(h);
    }

    /** True when {@code password} matches {@code stored}; false for a malformed stored value. */
    public boolean verify(char[] password, String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return false;
        }
        String[] parts = stored.substring(PREFIX.length()).split("\\$");
        if (parts.length != 3) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[0].split(",")) {
                String[] x = kv.split("=", 2);
                int v = Integer.parseInt(x[1]);
                switch (x[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[1]);
            byte[] expected = B64D.decode(parts[2]);
            if (m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS || p < 1 || p > 16 || expected.length == 0) {
                return false;
            }
            return MessageDigest.isEqual(expected, argon2(password, salt, m, t, p, expected.length));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the time of one verification and fails: for unknown user names. */
    public boolean verifyDecoy(char[] password) {
        if (decoy == null) {
            decoy = hash("decoy password, never matches".toCharArray());
        }
        verify(password, decoy);
        return false;
    }

    private static byte[] argon2(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKib).withIterations(iterations)
                .withParallelism(parallelism).withSalt(salt).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(params);
        byte[] out = new byte[length];
        SLOTS.acquireUninterruptibly();
        try {
            g.generateBytes(password, out); // UTF-8, Bouncy Castle's default conversion
        } finally {
            SLOTS.release();
        }
        return out;
    }
}
