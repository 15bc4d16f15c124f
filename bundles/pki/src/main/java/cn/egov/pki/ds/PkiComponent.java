package cn.egov.pki.ds;

import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.CertificateMaintenance;
import cn.egov.pki.check.RenewalPolicy;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The box's PKI as the OSGi service {@link BoxCertificates} (for the tunnel, MQTT over TLS and
 * peer checks). Runs {@link CertificateMaintenance} every {@code check_interval_s}; immediate, so
 * the timer runs even before another bundle asks for the service.
 */
@Component(configurationPid = PkiComponent.PID, service = BoxCertificates.class, immediate = true)
@Designate(ocd = PkiConfig.class)
public final class PkiComponent implements BoxCertificates {

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

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        maintenance.endConditions();
    }
}
