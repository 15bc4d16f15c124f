package cn.egov.console.tls;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate the console presents: the box certificate once the box has enrolled, until then
 * the self-signed bootstrap certificate. {@link #refresh()} (on a timer, and when the PKI service
 * comes or goes) swaps a renewed or new certificate into the running server without a restart:
 * Jetty's {@link SslContextFactory#reload} takes it for new connections.
 */
public final class ConsoleTls {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleTls.class);

    /**
     * What is served now.
     *
     * @param enrolled    true when it is the box certificate
     * @param certificate the certificate presented
     * @param fingerprint its SHA-256
     */
    public record Served(boolean enrolled, X509Certificate certificate, String fingerprint) {
    }

    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final BootstrapCertificate bootstrap;
    private final Supplier<Optional<BoxCertificates>> certificates;
    private volatile Served served;

    public ConsoleTls(BootstrapCertificate bootstrap, Supplier<Optional<BoxCertificates>> certificates) throws GeneralSecurityException {
        this.bootstrap = bootstrap;
        this.certificates = certificates;
        // The box certificate names the unit (CN, urn:egov:unit:...), not a host name, and a
        // technician may reach the box by any of its addresses: do not refuse on the SNI name.
        factory.setSniRequired(false);
        Optional<BoxCredentials> current = current();
        if (current.isPresent()) {
            factory.setSslContext(TlsContexts.of(current.get()));
            served = served(true, current.get().certificate());
        } else {
            factory.setSslContext(context(bootstrap.key(), bootstrap.chain()));
            served = served(false, bootstrap.certificate());
            logBootstrap();
        }
    }

    public SslContextFactory.Server factory() {
        return factory;
    }

    public Served served() {
        return served;
    }

    /** Serves the box's current certificate if it changed (enrolment, renewal, or its loss). */
    public synchronized void refresh() {
        Optional<BoxCredentials> current = current();
        X509Certificate wanted = current.map(BoxCredentials::certificate).orElse(bootstrap.certificate());
        if (wanted.equals(served.certificate())) {
            return;
        }
        try {
            SSLContext context = current.isPresent() ? TlsContexts.of(current.get()) : context(bootstrap.key(), bootstrap.chain());
            factory.reload(f -> f.setSslContext(context));
            served = served(current.isPresent(), wanted);
            if (current.isPresent()) {
                LOG.info("console: now serving the box certificate, serial {}, valid until {}, SHA-256 {}",
                        wanted.getSerialNumber().toString(16), wanted.getNotAfter().toInstant(), served.fingerprint());
            } else {
                logBootstrap();
            }
        } catch (Exception e) {
            LOG.error("console: cannot switch to the new certificate (the old one stays): {}", e.toString());
        }
    }

    private void logBootstrap() {
        LOG.warn("console: the box is not enrolled yet; serving a self-signed bootstrap certificate, SHA-256 {}",
                served.fingerprint());
    }

    private Optional<BoxCredentials> current() {
        return certificates.get().flatMap(BoxCertificates::current);
    }

    private static Served served(boolean enrolled, X509Certificate certificate) {
        return new Served(enrolled, certificate, BootstrapCertificate.fingerprint(certificate));
    }

    static SSLContext context(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("console", key, new char[0], chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build an in-memory key store: " + e.getMessage(), e);
        }
    }
}
