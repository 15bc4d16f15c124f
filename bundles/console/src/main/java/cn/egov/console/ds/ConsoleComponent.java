package cn.egov.console.ds;

import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.console.api.ConsoleEndpoint;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.auth.LoginService;
import cn.egov.console.auth.LoginThrottle;
import cn.egov.console.auth.Sessions;
import cn.egov.console.config.ConfigSaver;
import cn.egov.console.config.ConfigSchemas;
import cn.egov.console.status.BoxStatus;
import cn.egov.console.status.BuiltInChecks;
import cn.egov.console.status.StandingAlarmsCheck;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.console.store.StoreException;
import cn.egov.console.tls.BootstrapCertificate;
import cn.egov.console.tls.ConsoleTls;
import cn.egov.console.web.ConsoleHandler;
import cn.egov.console.web.ConsoleServer;
import cn.egov.console.web.ConsoleServices;
import cn.egov.console.web.Pages;
import cn.egov.console.web.SectionRegistry;
import cn.egov.pki.BoxCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console on the box: wires the store, sessions, TLS and pages from the configuration and
 * runs the server. Immediate: the technician needs it before anything else works (first boot,
 * before enrolment). A configuration change restarts it (sessions end: people log in again).
 *
 * <p>Everything optional is a dynamic reference, so the console runs, and says what is missing,
 * whatever else is broken: no PKI (bootstrap certificate), no launcher (no configuration forms),
 * no telemetry (alarms only logged).
 */
@Component(configurationPid = ConsoleComponent.PID, immediate = true, service = {})
@Designate(ocd = ConsoleConfig.class)
public final class ConsoleComponent {
    public static final String PID = "cn.egov.console";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleComponent.class);
    /** How often expired audit entries are removed. */
    static final Duration PRUNE_PERIOD = Duration.ofHours(1);
    static final String ALARM_AUDIT_BOUND = "console.audit-bound";
    /** Least time between two connection-limit alarms. */
    static final Duration CONNECTION_ALARM_INTERVAL = Duration.ofMinutes(10);
    private final java.util.concurrent.atomic.AtomicLong lastConnectionAlarm = new java.util.concurrent.atomic.AtomicLong();

    @Reference
    private ServiceComponentRuntime scr;
    @Reference
    private MetaTypeService metatype;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile BoxLauncher launcher;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile IdentityProvider identity;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TelemetryPublisher telemetry;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<SelfTest> selfTests = List.of();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile StandingAlarms standingAlarms;

    private volatile BoxCertificates certificates;
    private final SectionRegistry sections = new SectionRegistry();
    private ConsoleDatabase db;
    private ConsoleServer server;
    private volatile ConsoleTls tls;
    private volatile ScheduledExecutorService timer;
    private ServiceRegistration<ConsoleEndpoint> endpoint;

    @Activate
    void activate(BundleContext context, ConsoleConfig config) throws Exception {
        String dataDir = context.getProperty(BoxLauncher.DATA_DIR_PROPERTY);
        if (dataDir == null) {
            throw new IllegalStateException(PID + ": framework property " + BoxLauncher.DATA_DIR_PROPERTY
                    + " is not set; the console keeps its accounts under the box's data directory ('appliance run --data')");
        }
        Path data = Path.of(dataDir);
        Clock clock = Clock.systemUTC();
        db = ConsoleDatabase.open(ConsoleDatabase.file(data));
        try {
            start(context, config, data, clock);
        } catch (Exception | Error e) {
            deactivate();
            throw e;
        }
    }

    private void start(BundleContext context, ConsoleConfig config, Path data, Clock clock) throws Exception {
        Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), clock);
        AuditLog audit = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(config.audit_retention_days()),
                config.audit_max_rows()), clock);
        Sessions sessions = new Sessions(new Sessions.Settings(Duration.ofMinutes(config.session_idle_min()),
                Duration.ofHours(config.session_max_h()), config.session_max()), clock);
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(config.login_failures(),
                Duration.ofSeconds(config.login_window_s()), config.login_track_max()), clock);
        tls = new ConsoleTls(BootstrapCertificate.loadOrCreate(data.resolve("console").resolve("bootstrap.p12"), unit()),
                () -> Optional.ofNullable(certificates));
        String configDir = context.getProperty(BoxLauncher.CONFIG_DIR_PROPERTY);
        Optional<ConfigSchemas> schemas = configDir == null ? Optional.empty()
                : Optional.of(new ConfigSchemas(context, metatype, Path.of(configDir)));
        BuiltInChecks builtIn = new BuiltInChecks(() -> Optional.ofNullable(certificates), () -> Optional.ofNullable(launcher),
                () -> BoxStatus.read(context, scr), audit, Duration.ofDays(config.certificate_warn_days()), clock);
        ConsoleServices services = new ConsoleServices(accounts, audit, sessions,
                new LoginService(accounts, sessions, throttle, audit), new Pages(), sections,
                () -> BoxStatus.read(context, scr), () -> {
                    List<SelfTest> all = new ArrayList<>(builtIn.checks());
                    all.add(new StandingAlarmsCheck(() -> Optional.ofNullable(standingAlarms)));
                    all.addAll(selfTests);
                    return all;
                }, schemas, new ConfigSaver(PID), () -> Optional.ofNullable(launcher), tls, this::unit, config.log_lines());
        server = new ConsoleServer(new ConsoleServer.Settings(config.console_bind(), config.console_port(),
                config.console_threads(), Duration.ofSeconds(30).toMillis(), config.console_max_connections()), tls,
                new ConsoleHandler(services), this::alarmConnectionLimit);
        try {
            server.start();
        } catch (IOException e) {
            throw new IllegalStateException(PID + ": cannot listen on " + config.console_bind() + ":" + config.console_port()
                    + " (console.bind, console.port): " + e.getMessage(), e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-maintenance");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(tls::refresh, config.certificate_check_s(), config.certificate_check_s(), TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> prune(audit), 0, PRUNE_PERIOD.toSeconds(), TimeUnit.SECONDS);

        URI uri = server.uri();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ConsoleEndpoint.PORT, server.port());
        props.put(ConsoleEndpoint.URL, uri.toString());
        endpoint = context.registerService(ConsoleEndpoint.class, new ConsoleEndpoint() {
            @Override
            public URI uri() {
                return uri;
            }

            @Override
            public String certificateSha256() {
                return tls.served().fingerprint();
            }

            @Override
            public boolean enrolled() {
                return tls.served().enrolled();
            }
        }, props);
        LOG.info("console: listening on {}:{} ({}), certificate SHA-256 {}", config.console_bind(), server.port(),
                tls.served().enrolled() ? "box certificate" : "bootstrap certificate, not enrolled yet", tls.served().fingerprint());
        if (accounts.list().isEmpty()) {
            LOG.warn("console: no accounts yet; add a technician on the box: appliance account add NAME --roles technician --data {}",
                    data);
        }
    }

    /**
     * Takes the connection-limit alarm on Jetty's accepting thread: published from the maintenance thread (the outbox
     * writes to disk), at most once per {@link #CONNECTION_ALARM_INTERVAL} (a client opening connections without end
     * would otherwise fill the outbox; the alarm says how many times the limit was reached).
     */
    private void alarmConnectionLimit(Alarm alarm) {
        long now = System.currentTimeMillis();
        long last = lastConnectionAlarm.get();
        if (now - last < CONNECTION_ALARM_INTERVAL.toMillis() && last != 0 || !lastConnectionAlarm.compareAndSet(last, now)) {
            return;
        }
        LOG.error("console: {}", alarm.message());
        ScheduledExecutorService s = timer;
        TelemetryPublisher t = telemetry;
        if (s != null && t != null) {
            try {
                s.execute(() -> t.alarm(alarm));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void prune(AuditLog audit) {
        try {
            long cut = audit.prune();
            if (cut > 0) {
                String message = "The audit log reached its bound of " + audit.settings().maxRows() + " entries and removed "
                        + cut + " entries younger than its retention of " + audit.settings().retention().toDays()
                        + " days: raise audit.max.rows";
                LOG.error("console: {}", message);
                TelemetryPublisher t = telemetry;
                if (t != null) {
                    t.alarm(new Alarm(ALARM_AUDIT_BOUND, Alarm.Severity.MAJOR, "console", message,
                            Map.of("removed", Long.toString(cut), "bound", Integer.toString(audit.settings().maxRows())),
                            System.currentTimeMillis()));
                }
            }
        } catch (StoreException | RuntimeException e) {
            LOG.error("console: cannot prune the audit log: {}", e.getMessage());
        }
    }

    private String unit() {
        IdentityProvider id = identity;
        return id == null ? "" : id.identity().unit().toString();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindCertificates")
    void bindCertificates(BoxCertificates c) {
        certificates = c;
        refreshTls();
    }

    void unbindCertificates(BoxCertificates c) {
        if (certificates == c) {
            certificates = null;
            refreshTls();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "unbindSection")
    void bindSection(ConsoleSection section) {
        sections.add(section);
    }

    void unbindSection(ConsoleSection section) {
        sections.remove(section);
    }

    private void refreshTls() {
        ConsoleTls t = tls;
        ScheduledExecutorService s = timer;
        if (t != null && s != null) {
            try {
                s.execute(t::refresh); // off the DS thread: building a TLS context is not instant
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    @Deactivate
    void deactivate() {
        if (endpoint != null) {
            try {
                endpoint.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            endpoint = null;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                LOG.warn("console: error while stopping the web server: {}", e.toString());
            }
        }
        if (db != null) {
            db.close();
        }
    }
}
