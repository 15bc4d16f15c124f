package cn.egov.portal;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.SignerRevocationCheck;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.serve.PortalServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The portal mirror on the box (PID {@value #PID}, {@link PortalConfig}): off until its
 * configuration file exists. Uses the box's identity (unit), certificates (TLS to the manager,
 * HTTPS, the signer's revocation, signing notices), telemetry (reports, alarms, notices through the
 * outbox) and control channel (index notifications). Everything else is {@link PortalMirror}.
 */
@Component(immediate = true, configurationPolicy = ConfigurationPolicy.REQUIRE, configurationPid = PortalComponent.PID)
@Designate(ocd = PortalConfig.class)
public final class PortalComponent {

    public static final String PID = "cn.egov.portal";

    @Reference
    private TelemetryPublisher telemetry;
    @Reference
    private ControlChannel control;
    @Reference
    private IdentityProvider identity;
    @Reference
    private BoxCertificates certificates;

    private PortalMirror mirror;

    @Activate
    void activate(PortalConfig config) throws Exception {
        mirror = PortalMirror.start(settings(config), identity.identity().unit(), certificates::current,
                new SignerRevocationCheck("portal signer", () -> certificates)::revoked, telemetry, control, Clock.systemUTC());
    }

    static PortalMirror.Settings settings(PortalConfig c) {
        Set<SiteNode.Level> levels = EnumSet.noneOf(SiteNode.Level.class);
        for (String l : c.levels()) {
            try {
                levels.add(SiteNode.Level.valueOf(l.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("levels: '" + l + "' is not department, county, city or province");
            }
        }
        URI manager = URI.create(c.manager_url());
        if (!"https".equals(manager.getScheme())) {
            throw new IllegalArgumentException("manager.url must be https://..., got '" + c.manager_url() + "'");
        }
        return new PortalMirror.Settings(manager, Path.of(c.state_directory()),
                new SnapshotSync.Limits(c.max_file_bytes(), c.max_snapshot_bytes(), c.reserve_disk_bytes(), c.keep_versions(), c.fetch_parallelism(), levels),
                new PortalServer.Settings(c.http_bind(), c.http_port(), c.https_bind(), c.https_port(), c.admin_port(), c.threads(),
                        c.cache_files(), c.banner()),
                Duration.ofSeconds(c.poll_interval_s()), Duration.ofSeconds(c.fetch_timeout_s()), Duration.ofSeconds(c.probe_interval_s()),
                Duration.ofDays(c.stale_days()), Duration.ofSeconds(c.scan_interval_s()), c.max_notices(), c.default_site());
    }

    @Deactivate
    void deactivate() throws Exception {
        // the content on disk stays: the next activation serves it at once
        mirror.close();
    }
}
