package cn.egov.exchange.keys;

import cn.egov.exchange.cms.BcProvider;
import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The document-exchange keys of the units a box serves: one PKCS#12 file per unit,
 * {@code <folder>/<unit code>.p12} (mode 0600), holding the entry {@value #SIGNING} (SM2 or P-256
 * key, its certificate and issuing CA) and {@value #ENCRYPTION} (P-256 key and its certificate).
 * Written to a temporary file and renamed: a reader sees the old keys or the new ones.
 */
public final class UnitKeyStore {

    public static final String SIGNING = "signing";
    public static final String ENCRYPTION = "encryption";

    private final Path folder;
    private final char[] password;

    public UnitKeyStore(Path folder, char[] password) {
        this.folder = folder;
        this.password = password.clone();
    }

    public Path file(UnitCode unit) {
        return folder.resolve(unit + ".p12");
    }

    /** The unit's keys, or empty when it has none yet. */
    public Optional<LocalUnit> load(UnitCode unit) throws IOException, GeneralSecurityException {
        Path f = file(unit);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        KeyStore ks = KeyStore.getInstance("PKCS12", BcProvider.get());
        try (InputStream in = Files.newInputStream(f)) {
            ks.load(in, password);
        } catch (IOException e) {
            throw new IOException(f + " cannot be read (wrong keys.password, or damaged): " + e.getMessage(), e);
        }
        if (!ks.isKeyEntry(SIGNING) || !ks.isKeyEntry(ENCRYPTION)) {
            throw new GeneralSecurityException(f + " lacks the entry '" + (ks.isKeyEntry(SIGNING) ? ENCRYPTION : SIGNING) + "'");
        }
        List<X509Certificate> chain = Arrays.stream(ks.getCertificateChain(SIGNING)).map(c -> (X509Certificate) c).toList();
        SigningKey signing = new SigningKey((PrivateKey) ks.getKey(SIGNING, password), chain);
        DecryptionKey decryption = new DecryptionKey((PrivateKey) ks.getKey(ENCRYPTION, password),
                (X509Certificate) ks.getCertificate(ENCRYPTION));
        return Optional.of(new LocalUnit(unit, signing, decryption));
    }

    /** Stores a unit's keys (replacing what was there). */
    public void save(LocalUnit keys) throws IOException, GeneralSecurityException {
        Files.createDirectories(folder);
        KeyStore ks = KeyStore.getInstance("PKCS12", BcProvider.get());
        ks.load(null, null);
        ks.setKeyEntry(SIGNING, keys.signing().key(), password, keys.signing().chain().toArray(Certificate[]::new));
        ks.setKeyEntry(ENCRYPTION, keys.decryption().key(), password, new Certificate[] {keys.decryption().certificate()});
        Path target = file(keys.unit());
        Path tmp = Files.createTempFile(folder, keys.unit() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
