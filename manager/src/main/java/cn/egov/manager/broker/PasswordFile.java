package cn.egov.manager.broker;

import cn.egov.api.text.LogSafe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password file in Mosquitto's format, {@code user:hash} per line, as {@code mosquitto_passwd}
 * writes it: {@code $7$<iterations>$<salt>$<hash>} (PBKDF2-HMAC-SHA512, its default) or
 * {@code $6$<salt>$<hash>} (SHA-512 of password and salt, Mosquitto 1.6 and older). One format,
 * one tool for the embedded broker's lab and NOC listeners and for an external Mosquitto.
 *
 * <p>The file is read again when it changes (size, modification time or file identity), so a box
 * added with {@code mosquitto_passwd} gets in without a restart, and a line removed or changed
 * closes its open connection too (the embedded broker's {@link CredentialWatch}). An unreadable file lets nobody in; a malformed line is reported with its
 * line number and lets that user in never.
 */
public final class PasswordFile {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordFile.class);
    /** What {@code mosquitto_passwd} 2.0 uses: 101 iterations, 12 bytes of salt, a 64-byte key. */
    private static final int PBKDF2_ITERATIONS = 101;
    private static final int SALT_BYTES = 12;
    private static final int KEY_BITS = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The outcome of a password check. */
    public enum Check { OK, UNKNOWN_USER, WRONG_PASSWORD }

    private record Snapshot(Object stamp, Map<String, String> hashes) {
    }

    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());

    public PasswordFile(Path file) {
        this.file = Objects.requireNonNull(file, "password file");
    }

    /** Reads the file now; for the start of the broker, where a missing file is a configuration error. */
    public PasswordFile load() throws IOException {
        if (!Files.isReadable(file)) {
            throw new NoSuchFileException(file.toString(), null, "password file not found or not readable");
        }
        current();
        return this;
    }

    public Path path() {
        return file;
    }

    /** Whether {@code user} is in the file with exactly this password. */
    public Check check(String user, String password) {
        String hash = current().get(user);
        if (hash == null) {
            return Check.UNKNOWN_USER;
        }
        return password != null && matches(hash, password) ? Check.OK : Check.WRONG_PASSWORD;
    }

    /** Whether {@code user} has a line in the file. */
    public boolean contains(String user) {
        return current().containsKey(user);
    }

    /** A line as {@code mosquitto_passwd -b FILE user password} writes it ({@code $7$}, PBKDF2-HMAC-SHA512). */
    public static String line(String user, String password) {
        if (user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("a user name in a password file cannot contain ':' or a line break");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return user + ":$7$" + PBKDF2_ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, PBKDF2_ITERATIONS));
    }

    /** What changes when the file does (identity, size, modification time): equal stamps, same content. */
    public Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private Map<String, String> current() {
        Object stamp = stamp();
        Snapshot s = snapshot;
        if (stamp.equals(s.stamp())) {
            return s.hashes();
        }
        synchronized (this) {
            if (!stamp.equals(snapshot.stamp())) {
                snapshot = new Snapshot(stamp, read());
            }
            return snapshot.hashes();
        }
    }

    private Map<String, String> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("password file {} cannot be read ({}): nobody gets in with a password until it can", file, e.toString());
            return Map.of();
        }
        Map<String, String> hashes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !wellFormed(line.substring(colon + 1))) {
                LOG.warn("{}:{}: not 'user:$7$...' as mosquitto_passwd writes it; that line lets nobody in", file, i + 1);
                continue;
            }
            hashes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        LOG.info("password file {}: {} user(s)", file, hashes.size());
        return Map.copyOf(hashes);
    }

    private static boolean wellFormed(String hash) {
        String[] p = hash.split("\\$", -1);
        try {
            if (p.length == 5 && p[0].isEmpty() && p[1].equals("7")) {
                Base64.getDecoder().decode(p[3]);
                Base64.getDecoder().decode(p[4]);
                return Integer.parseInt(p[2]) > 0;
            }
            if (p.length == 4 && p[0].isEmpty() && p[1].equals("6")) {
                Base64.getDecoder().decode(p[2]);
                Base64.getDecoder().decode(p[3]);
                return true;
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return false;
    }

    private static boolean matches(String hash, String password) {
        String[] p = hash.split("\\$", -1);
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected;
        byte[] actual;
        if (p[1].equals("7")) {
            expected = b64.decode(p[4]);
            actual = pbkdf2(password, b64.decode(p[3]), Integer.parseInt(p[2]));
        } else {
            expected = b64.decode(p[3]);
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-512");
                md.update(password.getBytes(StandardCharsets.UTF_8));
                md.update(b64.decode(p[2]));
                actual = md.digest();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-512 is not available: " + e.getMessage(), e);
            }
        }
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "password file " + LogSafe.of(file);
    }
}
