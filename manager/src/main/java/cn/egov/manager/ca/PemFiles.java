package cn.egov.manager.ca;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Writes certificates, CRLs and keys as PEM for OpenSSL, strongSwan and Mosquitto. */
public final class PemFiles {
    private PemFiles() {
    }

    /** PEM text of each object in order (certificates, CRLs, public or private keys). */
    public static String encode(Object... objects) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (Object o : objects) {
                if (o instanceof java.security.PrivateKey k) {
                    // unencrypted PKCS#8 ("PRIVATE KEY"), which OpenSSL, Mosquitto and strongSwan all read
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot PEM-encode: " + e.getMessage(), e);
        }
        return s.toString();
    }

    /** Writes PEM; a file holding a private key is created mode 0600. */
    public static Path write(Path file, Object... objects) throws IOException {
        boolean secret = false;
        for (Object o : objects) {
            secret |= o instanceof java.security.PrivateKey;
        }
        Files.deleteIfExists(file);
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, encode(objects), StandardCharsets.US_ASCII);
        return file;
    }
}
