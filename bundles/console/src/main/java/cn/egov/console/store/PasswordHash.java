package cn.egov.console.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle), stored as the usual PHC string
 * {@code $argon2id$v=19$m=12288,t=3,p=1$<salt>$<hash>}, so that a hash made with other settings
 * still verifies after the settings change.
 *
 * <p>Hashing is serialised: each hash takes {@link Settings#memoryKiB()} of heap, and the box runs
 * with a 64 MB heap; log-ins are rare enough that they can queue.
 */
public final class PasswordHash {
    /** Shortest password accepted (characters). */
    public static final int MIN_LENGTH = 12;
    /** Longest password accepted: bounds the work an attacker can ask for. */
    public static final int MAX_LENGTH = 256;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Object ONE_AT_A_TIME = new Object();

    /**
     * @param memoryKiB   memory per hash; OWASP's 12 MiB / 3 passes / 1 lane is one of its
     *                    equivalent minimum settings, the one that fits a 64 MB heap
     * @param iterations  passes over the memory
     * @param parallelism lanes (the box has two cores and other work)
     */
    public record Settings(int memoryKiB, int iterations, int parallelism) {
        public static final Settings DEFAULT = new Settings(12 * 1024, 3, 1);
    }

    private final Settings settings;
    private final SecureRandom random = new SecureRandom();
    /** Verified when the account does not exist, so that the answer takes as long either way. */
    private final String dummy;

    public PasswordHash(Settings settings) {
        this.settings = settings;
        this.dummy = hash("no such account: constant work".toCharArray());
    }

    /** Why a password cannot be used, or null when it can. */
    public static String problem(char[] password) {
        int length = Character.codePointCount(password, 0, password.length);
        if (length < MIN_LENGTH) {
            return "the password is too short: at least " + MIN_LENGTH + " characters, got " + length;
        }
        if (length > MAX_LENGTH) {
            return "the password is too long: at most " + MAX_LENGTH + " characters";
        }
        return null;
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return hash(password, salt, settings);
    }

    static String hash(char[] password, byte[] salt, Settings s) {
        byte[] out = derive(password, salt, s.memoryKiB(), s.iterations(), s.parallelism(), HASH_BYTES);
        return "$argon2id$v=19$m=" + s.memoryKiB() + ",t=" + s.iterations() + ",p=" + s.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** True when {@code password} matches {@code phc}; a malformed stored hash matches nothing. */
    public boolean verify(char[] password, String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        if (!m.matches()) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(m.group(4));
        byte[] expected = Base64.getDecoder().decode(m.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the same work as {@link #verify} for an account that does not exist; always false. */
    public boolean verifyNothing(char[] password) {
        verify(password, dummy);
        return false;
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        synchronized (ONE_AT_A_TIME) {
            generator.generateBytes(new String(password).getBytes(StandardCharsets.UTF_8), out);
        }
        return out;
    }
}
