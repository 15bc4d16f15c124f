package cn.egov.manager.ca;

import cn.egov.manager.broker.TlsAcceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;

/**
 * The embedded broker's TLS listener, from the provincial CA: a fresh key and TLS-server
 * certificate of the issuing CA at each start (the key never outlives the process's password),
 * and a trust store of the issuing CA and root only, so the handshake refuses every other CA.
 * Both are PKCS#12 files (mode 0600) under a random password, because Artemis reads its stores
 * from files. Clients are then checked by {@link CertificateClientAuthenticator}.
 */
public final class BrokerTlsIdentity {

    static final String KEY_STORE = "broker-tls.p12";
    static final String TRUST_STORE = "broker-trust.p12";
    private static final String ALIAS = "broker";

    private BrokerTlsIdentity() {
    }

    /**
     * @param dir      where the two store files go (created)
     * @param dnsNames host names boxes use for the broker
     * @param ips      IP addresses boxes use
     */
    public static TlsAcceptor acceptor(ProvincialCa ca, Path dir, String host, int port, List<String> dnsNames, List<String> ips)
            throws IOException, GeneralSecurityException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("the broker's TLS certificate needs at least one DNS name or IP address");
        }
        Files.createDirectories(dir);
        ServerKeyStore identity = ServerKeyStore.issue(ca, ALIAS, dnsNames, ips);
        String password = new String(identity.password());
        Path keyStore = write(dir.resolve(KEY_STORE), identity.keyStore(), password);
        Path trustStore = write(dir.resolve(TRUST_STORE), EstTlsIdentity.trustStore(ca), password);
        return new TlsAcceptor(host, port, keyStore, password, trustStore, password, new CertificateClientAuthenticator(ca));
    }

    private static Path write(Path file, KeyStore ks, String password) throws IOException, GeneralSecurityException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password.toCharArray());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
