package cn.egov.pki.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The box's key and certificate on disk: one PKCS#12 file (mode 0600, replaced atomically) with
 * the box key and its chain under alias {@code box}, and the provincial CA certificates as
 * trusted entries. The key pair is generated here, on the box, and never leaves it.
 */
public final class BoxKeyStore {

    public static final String KEY_ALIAS = "box";
    private static final String TRUST_PREFIX = "provincial-ca-";

    private final Path file;
    private final char[] password;

    public BoxKeyStore(Path file, char[] password) {
        this.file = file;
        this.password = password.clone();
    }

    public Path file() {
        return file;
    }

    /** A key store at {@code other} with the same password (e.g. the pending enrolment next to this one). */
    public BoxKeyStore at(Path other) {
        return new BoxKeyStore(other, password);
    }

    /** A fresh ECDSA P-256 key pair (JDK provider). */
    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** The stored credentials, or empty when the box has not enrolled yet. */
    public Optional<BoxCredentials> load() throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        KeyStore ks = read();
        PrivateKey key = (PrivateKey) ks.getKey(KEY_ALIAS, password);
        Certificate[] chain = ks.getCertificateChain(KEY_ALIAS);
        if (key == null || chain == null) {
            return Optional.empty();
        }
        List<X509Certificate> trust = new ArrayList<>();
        for (String alias : java.util.Collections.list(ks.aliases())) {
            if (alias.startsWith(TRUST_PREFIX)) {
                trust.add((X509Certificate) ks.getCertificate(alias));
            }
        }
        List<X509Certificate> c = new ArrayList<>();
        for (Certificate x : chain) {
            c.add((X509Certificate) x);
        }
        return Optional.of(new BoxCredentials(key, c, trust));
    }

    /** Replaces the stored credentials (old file kept until the new one is complete). */
    public void save(BoxCredentials credentials) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(KEY_ALIAS, credentials.key(), password, credentials.chain().toArray(X509Certificate[]::new));
        int i = 0;
        for (X509Certificate ca : credentials.trustAnchors()) {
            ks.setCertificateEntry(TRUST_PREFIX + i++, ca);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the old file is untouched; do not leave a half-written copy of the key behind
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private KeyStore read() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot read box key store " + file + ": wrong password or damaged file (" + e.getMessage() + ")", e);
        }
        return ks;
    }
}
