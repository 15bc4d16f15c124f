package cn.egov.manager.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The CA's three key pairs (root, online issuing CA, SM2 signing CA) in one encrypted PKCS#12
 * key store ({@code ca-keys.p12}, PBES2/AES-256 via Bouncy Castle, mode 0600). The passphrase
 * comes from the manager's configuration, never from code.
 *
 * @param root        root CA (ECDSA P-256, self-signed)
 * @param issuing     online issuing CA for boxes, hubs and TLS servers (ECDSA P-256)
 * @param sm2Signing  SM2 CA that signs document-signing certificates with SM3withSM2
 */
record CaKeys(CaKey root, CaKey issuing, CaKey sm2Signing) {

    static final String FILE = "ca-keys.p12";
    /** Bouncy Castle's PKCS#12 with PBES2/AES-256 key and AES-128 certificate encryption. */
    private static final String STORE_TYPE = "PKCS12-AES256-AES128";
    private static final String ROOT = "root", ISSUING = "issuing", SM2 = "sm2-signing";

    /** One CA's key and certificate chain (its own certificate first). */
    record CaKey(PrivateKey key, X509Certificate[] chain) {
        X509Certificate certificate() {
            return chain[0];
        }
    }

    void save(Path dir, char[] passphrase) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(STORE_TYPE, BouncyCastle.PROVIDER);
        ks.load(null, null);
        ks.setKeyEntry(ROOT, root.key(), passphrase, root.chain());
        ks.setKeyEntry(ISSUING, issuing.key(), passphrase, issuing.chain());
        ks.setKeyEntry(SM2, sm2Signing.key(), passphrase, sm2Signing.chain());
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, passphrase);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    static CaKeys load(Path dir, char[] passphrase) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException("no CA key store at " + file + "; create one with 'manager ca init'");
        }
        KeyStore ks = KeyStore.getInstance(STORE_TYPE, BouncyCastle.PROVIDER);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, passphrase);
        } catch (IOException e) {
            throw new IOException("cannot open CA key store " + file + ": wrong passphrase (ca.passphrase-file) or damaged file", e);
        }
        return new CaKeys(entry(ks, ROOT, passphrase, file), entry(ks, ISSUING, passphrase, file), entry(ks, SM2, passphrase, file));
    }

    private static CaKey entry(KeyStore ks, String alias, char[] passphrase, Path file) throws GeneralSecurityException {
        PrivateKey key = (PrivateKey) ks.getKey(alias, passphrase);
        Certificate[] chain = ks.getCertificateChain(alias);
        if (key == null || chain == null) {
            throw new GeneralSecurityException("CA key store " + file + " has no entry '" + alias + "'");
        }
        X509Certificate[] x = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            x[i] = (X509Certificate) chain[i];
        }
        return new CaKey(key, x);
    }
}
