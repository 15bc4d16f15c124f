package cn.egov.vpn;

import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.BoxCertificates;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.swanctl.CharonSettings;
import cn.egov.vpn.swanctl.StrongswanConfWriter;
import cn.egov.vpn.swanctl.SwanctlConfigWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The box's tunnel into the backbone as a DS component (PID {@code cn.egov.vpn.tunnel}): on
 * activation it checks the certificate is the box's own, writes swanctl.conf (and, if configured,
 * strongswan.conf), and starts a {@link TunnelWatcher}. A configuration change re-activates it.
 */
@Component(name = "cn.egov.vpn.tunnel", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {TunnelComponent.class, SelfTest.class})
@Designate(ocd = TunnelConfig.class)
public final class TunnelComponent implements SelfTest {

    private final TelemetryPublisher telemetry;
    private final TunnelWatcher watcher;
    private final ScheduledExecutorService executor;
    /** The last poll's status, read by the self-test without waiting for a poll in progress. */
    private volatile TunnelStatus last;
    /** The key store's credentials: written to the files charon loads before every start (a renewal reaches the tunnel). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile BoxCertificates certificates;

    @Activate
    public TunnelComponent(@Reference TelemetryPublisher telemetry, @Reference IdentityProvider identity,
                           TunnelConfig config) throws IOException {
        this.telemetry = telemetry;
        UnitCode unit = identity.identity().unit();
        TunnelSpec spec = TunnelSpecs.fromConfig(config, unit);
        // every setting checked before anything is written
        Backoff backoff = TunnelSpecs.backoff(config);
        Duration pollInterval = TunnelSpecs.seconds("poll_interval_s", config.poll_interval_s());
        Duration reportInterval = TunnelSpecs.seconds("report_interval_s", config.report_interval_s());
        Duration charonTimeout = TunnelSpecs.seconds("charon_timeout_s", config.charon_timeout_s());
        BoxCertificate.requireUnit(spec.certFile(), unit);
        Path swanctlDir = TunnelSpecs.path("swanctl_dir", config.swanctl_dir());
        Path vici = TunnelSpecs.path("vici_socket", config.vici_socket());
        SwanctlConfigWriter.write(spec.toSwanctl(), swanctlDir);
        if (config.strongswan_conf_path() != null && !config.strongswan_conf_path().isBlank()) {
            Path conf = TunnelSpecs.path("strongswan_conf_path", config.strongswan_conf_path());
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, StrongswanConfWriter.render(new CharonSettings(vici, config.libipsec(), null)),
                    StandardCharsets.UTF_8);
        }
        Charon charon = new CredentialFiles(new SwanctlCharon(swanctlDir, vici, charonTimeout),
                () -> Optional.ofNullable(certificates), spec.certFile(), spec.keyFile(), spec.caCertFiles());
        this.watcher = new TunnelWatcher(charon, spec.name(), spec.hubAddress(), telemetry, backoff,
                reportInterval, Clock.systemUTC());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vpn-tunnel-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.onStatus(s -> last = s);
        watcher.start(executor, pollInterval);
    }

    @Override
    public String name() {
        return "隧道 Tunnel to the backbone";
    }

    @Override
    public Result run() {
        return TunnelSelfTest.judge(last);
    }

    /** The latest observed state (the console and the CLI show it). */
    public TunnelStatus status() {
        return watcher.status();
    }

    @Deactivate
    void deactivate() {
        watcher.stop();
        executor.shutdownNow();
        watcher.endConditions();
    }
}
