package cn.egov.addressplan;

import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the conformance check on a schedule and sends the result as telemetry
 * ({@code ADDRESSPLAN/check} and one {@code ADDRESSPLAN/finding} per finding). A plan that
 * cannot be read raises an alarm {@code addressplan.plan} instead of reporting a clean site.
 */
@Component(service = {}, configurationPid = AddressPlanComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AddressPlanConfig.class)
public final class AddressPlanComponent {

    public static final String PID = "cn.egov.addressplan";
    /** Alarm kind when the plan or the site cannot be read. */
    public static final String CHECK_FAILED_ALARM = "addressplan.check";

    private static final Logger LOG = LoggerFactory.getLogger(AddressPlanComponent.class);

    private final TelemetryPublisher telemetry;
    private final IdentityProvider identity;
    private ScheduledExecutorService scheduler;
    private SiteCheck check;
    private long lastCheckTime;

    @Activate
    public AddressPlanComponent(@Reference TelemetryPublisher telemetry,
                                @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) IdentityProvider identity,
                                AddressPlanConfig config) {
        this.telemetry = telemetry;
        this.identity = identity;
        configure(config);
    }

    @Modified
    void modified(AddressPlanConfig config) {
        deactivate();
        configure(config);
    }

    private void configure(AddressPlanConfig c) {
        UnitCode unit;
        if (!c.unitCode().isBlank()) {
            unit = UnitCode.parse(c.unitCode());
        } else if (identity != null) {
            unit = identity.identity().unit();
        } else {
            throw new IllegalStateException("no unit code configured and no IdentityProvider: set " + PID + ".unitCode");
        }
        SiteReader reader = new SiteReader(new IpCommandReader(c.ipBinary(), c.namespace()),
                Arrays.stream(c.leaseFiles()).filter(s -> !s.isBlank()).map(Path::of).toList(),
                c.hostsFile().isBlank() ? null : Path.of(c.hostsFile()), c.reverseNames());
        check = new SiteCheck(Path.of(c.planPath()), unit, reader, Set.of(c.ignoredInterfaces()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "addressplan-check");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, Math.max(10, c.intervalSeconds()), TimeUnit.SECONDS);
    }

    /**
     * One check; public so that a console button can trigger it. Checks run one at a time, and each
     * gets a distinct time, because the time is the check's id in telemetry and at the manager.
     */
    public synchronized ConformanceReport runOnce() {
        try {
            lastCheckTime = Math.max(System.currentTimeMillis(), lastCheckTime + 1);
            ConformanceReport r = check.run(lastCheckTime);
            ConformancePayloads.publish(telemetry, r);
            LOG.info("address plan check of {}: {} items, {} findings", r.unit(), r.itemsChecked(), r.findings().size());
            return r;
        } catch (Exception e) {
            LOG.warn("address plan check failed: {}", e.getMessage());
            telemetry.alarm(new Alarm(CHECK_FAILED_ALARM, Alarm.Severity.MAJOR, "addressplan",
                    "address plan check could not run: " + e.getMessage(), Map.of("plan", String.valueOf(check.plan())),
                    System.currentTimeMillis()));
            return null;
        }
    }

    @Deactivate
    void deactivate() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
