package cn.egov.manager.support;

import cn.egov.manager.broker.PasswordFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Per-box passwords for the lab listener (and for Mosquitto's password file): a fresh random
 * password per unit, appended to the file as {@code mosquitto_passwd} would write it. The broker
 * re-reads the file when it changes.
 */
public final class LabPasswords {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PASSWORD_BYTES = 12;

    private LabPasswords() {
    }

    /** Adds {@code user} with a new random password; returns the password. */
    public static String issue(Path passwordFile, String user) {
        byte[] b = new byte[PASSWORD_BYTES];
        RANDOM.nextBytes(b);
        String password = HexFormat.of().formatHex(b);
        add(passwordFile, user, password);
        return password;
    }

    /** Adds {@code user} with the given password. */
    public static synchronized void add(Path passwordFile, String user, String password) {
        try {
            Files.createDirectories(passwordFile.toAbsolutePath().getParent());
            Files.writeString(passwordFile, PasswordFile.line(user, password) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + passwordFile, e);
        }
    }
}
