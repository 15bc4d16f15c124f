package cn.egov.pki.ds;

import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.CertificateMaintenance;
import cn.egov.pki.check.RenewalPolicy;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.telemetry.mqtt.TlsSocketFactorySource;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The box's PKI as OSGi services: {@link BoxCertificates} for the tunnel and peers, and the
 * {@link TlsSocketFactorySource} that the telemetry bundle uses for MQTT over TLS with the
 * box's certificate. Runs {@link CertificateMaintenance} every {@code check_interval_s}.
 */
@Component(configurationPid = PkiComponent.PID, service = {BoxCertificates.class, TlsSocketFactorySource.class})
@Designate(ocd = PkiConfig.class)
public final class PkiComponent implements BoxCertificates, TlsSocketFactorySource {

    public static final String PID = "cn.egov.pki";

    private final CertificateMaintenance maintenance;
    private final ScheduledExecutorService timer;

    @Activate
    public PkiComponent(PkiConfig config, @Reference TelemetryPublisher telemetry) {
        BoxKeyStore store = new BoxKeyStore(Path.of(config.key_store_path()), config.key_store_password().toCharArray());
        this.maintenance = new CertificateMaintenance(store, new BoxEnrolment(URI.create(config.est_url()), store),
                new RenewalPolicy(config.renewal_fraction()),
                Arrays.stream(config.trust_store_paths()).map(Path::of).toList(), telemetry, Clock.systemUTC());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pki-maintenance");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(maintenance::runOnce, 0, config.check_interval_s(), TimeUnit.SECONDS);
    }

    @Override
    public Optional<BoxCredentials> current() {
        return maintenance.current();
    }

    @Override
    public RevocationChecker.Result checkPeer(X509Certificate peer) {
        return maintenance.checkPeer(peer);
    }

    /** Client certificate = the box's current one; server trusted only through the provincial CA. */
    @Override
    public SSLSocketFactory socketFactory() {
        BoxCredentials c = current().orElseThrow(() -> new IllegalStateException("box not enrolled: no certificate for MQTT over TLS"));
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("box", c.key(), pw, c.chain().toArray(X509Certificate[]::new));
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < c.trustAnchors().size(); i++) {
                ts.setCertificateEntry("ca" + i, c.trustAnchors().get(i));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the TLS context from the box certificate: " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }
}
