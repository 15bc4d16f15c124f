package cn.egov.manager.app;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.text.LogSafe;
import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.IdentityGate;
import cn.egov.manager.broker.InternalClientGate;
import cn.egov.manager.broker.PasswordFile;
import cn.egov.manager.broker.RefusalLog;
import cn.egov.manager.broker.TlsAcceptor;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.broker.UnitAdmission;
import cn.egov.manager.broker.Verdict;
import cn.egov.manager.ca.BrokerTlsIdentity;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.KnownUnits;
import cn.egov.manager.fleet.MissingWatch;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.BatchStore;
import cn.egov.manager.ingest.IngestMetrics;
import cn.egov.manager.ingest.IngestQueue;
import cn.egov.manager.ingest.IngestWriter;
import cn.egov.manager.ingest.MalformedReason;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.MqttIngestClient;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.ingest.TelemetryListeners;
import cn.egov.manager.ingest.UnitFilter;
import cn.egov.manager.plan.LoadedPlan;
import cn.egov.manager.plan.PlanRoutes;
import cn.egov.manager.plan.PlanStore;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.RouteContributors;
import cn.egov.manager.web.WebMetrics;
import cn.egov.manager.web.WebRoutes;
import cn.egov.manager.web.WebServer;
import cn.egov.rules.plan.Divisions;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the manager from its configuration, in dependency order: store → fleet (restored from the
 * store) → plan in force → embedded broker with only the manager's own listener (unless external)
 * → ingest writer → MQTT subscriber → web (with every {@link RouteContributor}) → the broker's
 * listeners for boxes and the NOC → periodic checks (MISSING boxes, backlog alarms, refusal
 * alarms). {@link #close()} stops in reverse; unacknowledged messages stay with the broker.
 */
public final class ManagerAssembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerAssembly.class);
    private static final long ALARM_CHECK_MS = 1000;
    /** Distinct refusal alarms waiting for the next check (one a second); beyond, counted as dropped. */
    private static final int MAX_PENDING_ALARMS = 1000;

    /**
     * Choices that are code, not configuration.
     *
     * @param storeDecorator   wraps the batch store (tests slow it down on purpose)
     * @param placeNames       names of divisions for the hierarchy
     * @param tlsCa            the provincial CA for the broker's TLS listener ({@code broker.tls.port}) and the web
     *                         server's HTTPS ({@code web.tls = ca}), or null
     * @param policySigning    the key that signs isolation policy bundles, or null (no signed distribution)
     */
    public record Options(UnaryOperator<BatchStore> storeDecorator, PlaceNames placeNames,
                          ProvincialCa tlsCa, PolicySigningKey policySigning) {
        public static Options defaults() {
            return new Options(UnaryOperator.identity(), PlaceNames.HEBEI, null, null);
        }

        public Options withStoreDecorator(UnaryOperator<BatchStore> d) {
            return new Options(d, placeNames, tlsCa, policySigning);
        }

        public Options withTlsCa(ProvincialCa ca) {
            return new Options(storeDecorator, placeNames, ca, policySigning);
        }

        public Options withPolicySigning(PolicySigningKey key) {
            return new Options(storeDecorator, placeNames, tlsCa, key);
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ManagerConfig config;
    private Database database;
    private FleetRegistry fleet;
    private ArtemisBroker broker;
    private IngestQueue queue;
    private IngestWriter writer;
    private MqttIngestClient client;
    private WebServer web;
    private ThrottledAlarms refusalAlarms;
    private final IngestMetrics metrics = new IngestMetrics();
    private final MetricGauges gauges = new MetricGauges();
    private final WebMetrics webMetrics = new WebMetrics();
    private ManagerContext context;
    private String brokerUrl;

    private ManagerAssembly(ManagerConfig config) {
        this.config = config;
    }

    public static ManagerAssembly start(ManagerConfig config, Options options) throws Exception {
        ManagerAssembly m = new ManagerAssembly(config);
        try {
            m.startAll(options);
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void startAll(Options options) throws Exception {
        WebPart.check(config, options.tlsCa()); // refuse bad web/auth settings before anything starts
        database = Database.open(config.jdbcUrl(), config.get(ConfigKey.DB_USER), config.get(ConfigKey.DB_PASSWORD));
        fleet = new FleetRegistry(options.placeNames(), config.integer(ConfigKey.FLEET_MISSING_FACTOR),
                config.integer(ConfigKey.FLEET_DEFAULT_HEALTH_INTERVAL_S));
        try (Connection c = database.connect()) {
            fleet.load(BoxStore.loadAll(c, options.placeNames()));
        }
        AlarmStore alarms = new AlarmStore(database);
        refusalAlarms = new ThrottledAlarms(alarms, TimeUnit.SECONDS.toMillis(config.integer(ConfigKey.BROKER_REFUSAL_ALARM_INTERVAL_S)),
                MAX_PENDING_ALARMS);
        // the plan in force decides, with the province's divisions, which units may be boxes here
        PlanStore plans = PlanRoutes.openStore(config, database);
        KnownUnits known = new KnownUnits(Divisions.hebei(), () -> plans.current().map(LoadedPlan::plan));
        String account = config.get(ConfigKey.ACCOUNT);
        String clientId = config.get(ConfigKey.INGEST_CLIENT_ID);

        String ingestUrl;
        String user = config.get(ConfigKey.BROKER_USERNAME);
        String password = config.get(ConfigKey.BROKER_PASSWORD);
        if (config.get(ConfigKey.BROKER_MODE).equals("embedded")) {
            InternalClientGate internal = new InternalClientGate();
            broker = embeddedBroker(options.tlsCa(), internal, clientId, account, known);
            broker.start();
            closeables.add(broker);
            ingestUrl = broker.internalUrl();
            user = InternalClientGate.INTERNAL_USER;
            password = internal.secret();
        } else {
            ingestUrl = config.get(ConfigKey.BROKER_URL);
            brokerUrl = ingestUrl;
        }

        queue = new IngestQueue(config.integer(ConfigKey.INGEST_QUEUE_CAPACITY), metrics);
        TelemetryListeners listeners = new TelemetryListeners();
        BatchStore store = options.storeDecorator().apply(new SqlBatchStore(database, fleet));
        client = new MqttIngestClient(ingestUrl, clientId, user, password, account, queue, metrics);
        writer = new IngestWriter(queue, new MessageDecoder(account, config.integer(ConfigKey.INGEST_MAX_PAYLOAD_BYTES)),
                unitFilter(known), store, client, listeners, metrics, config.integer(ConfigKey.INGEST_BATCH_SIZE));
        Thread writerThread = new Thread(writer, "ingest-writer");
        writerThread.start();
        closeables.add(() -> {
            writer.stop();
            writerThread.join(5000);
        });
        client.start();
        closeables.add(client);

        context = new ManagerContext(config, database, fleet, alarms, client, listeners, gauges, options.policySigning(), plans,
                options.tlsCa());
        registerGauges();

        WebRoutes routes = new WebRoutes();
        for (RouteContributor c : RouteContributors.all()) {
            c.contribute(routes, context);
            if (c instanceof AutoCloseable part) {
                closeables.add(part); // a part with servers or threads of its own (portal) stops with the manager
            }
        }
        web = WebPart.build(config, options.tlsCa(), routes, context, webMetrics);
        web.start();
        closeables.add(web);

        if (broker != null) {
            // boxes and operators come in once everything they talk to is running
            broker.open();
            brokerUrl = broker.plainUrl();
            if (broker.tlsUrl() == null && broker.plainUrl() == null) {
                LOG.warn("no MQTT listener for boxes: set broker.tls.port (with ca.passphrase-file), or broker.plain.enabled for a lab");
            }
            if (plans.current().isEmpty()) {
                LOG.warn("no address plan in force (plan.dir, POST /api/plan): boxes are checked against the province's divisions only");
            }
        }

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "manager-checks");
            t.setDaemon(true);
            return t;
        });
        closeables.add(timer::shutdownNow);
        timer.scheduleWithFixedDelay(new MissingWatch(fleet, database), config.integer(ConfigKey.FLEET_CHECK_PERIOD_MS),
                config.integer(ConfigKey.FLEET_CHECK_PERIOD_MS), TimeUnit.MILLISECONDS);
        BacklogAlarm ingestAlarm = new BacklogAlarm("ingest.backlog", "the ingest queue", queue::depth, queue.capacity(),
                config.ratio(ConfigKey.INGEST_QUEUE_ALARM_RATIO), alarms);
        gauges.register("ingest.queue.alarm", ingestAlarm::isRaised);
        timer.scheduleWithFixedDelay(ingestAlarm::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> refusalAlarms.flush(System.currentTimeMillis()), ALARM_CHECK_MS, ALARM_CHECK_MS,
                TimeUnit.MILLISECONDS);
        if (broker != null) {
            BacklogAlarm brokerAlarm = new BacklogAlarm("broker.backlog", "the embedded broker's in-memory backlog (bytes)",
                    broker::backlogBytes, config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES),
                    config.ratio(ConfigKey.BROKER_QUEUE_ALARM_RATIO), alarms);
            gauges.register("broker.backlog.alarm", brokerAlarm::isRaised);
            timer.scheduleWithFixedDelay(brokerAlarm::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
        }
        LOG.info("manager ready: fleet at {}/fleet; MQTT for boxes: {}", web.baseUrl(), broker == null ? ingestUrl
                : String.join(", ", Arrays.asList(broker.tlsUrl(), broker.plainUrl(), broker.nocUrl()).stream()
                        .filter(u -> u != null).toList()));
    }

    /**
     * The embedded broker: the manager's own loopback listener, and for boxes the TLS listener
     * ({@code broker.tls.port}), the NOC's ({@code broker.noc.port}) and the lab's plain one
     * ({@code broker.plain.enabled}), each only when configured.
     */
    private ArtemisBroker embeddedBroker(ProvincialCa ca, InternalClientGate internal, String clientId, String account,
                                         KnownUnits known) throws Exception {
        String bind = config.get(ConfigKey.BROKER_BIND);
        TlsAcceptor tls = tlsAcceptor(ca, bind);
        PasswordFile lab = null;
        if (flag(ConfigKey.BROKER_PLAIN_ENABLED)) {
            lab = passwordFile(ConfigKey.BROKER_PLAIN_PASSWORD_FILE, ConfigKey.BROKER_PLAIN_ENABLED);
            LOG.warn("the plain MQTT listener is on ({} = true): UNSAFE, for a lab only; boxes log in with the passwords in {}",
                    ConfigKey.BROKER_PLAIN_ENABLED.key, lab.path());
        }
        String nocPort = config.get(ConfigKey.BROKER_NOC_PORT).trim();
        PasswordFile noc = null;
        if (!nocPort.isEmpty()) {
            if (tls == null) {
                throw new ConfigException(config.source() + ": " + ConfigKey.BROKER_NOC_PORT.key + " needs the TLS identity: set "
                        + ConfigKey.BROKER_TLS_PORT.key + " (and ca.passphrase-file)");
            }
            noc = passwordFile(ConfigKey.BROKER_NOC_PASSWORD_FILE, ConfigKey.BROKER_NOC_PORT);
        }
        RefusalLog refusals = new RefusalLog(this::alarmRefusedConnection);
        IdentityGate gate = new IdentityGate(clientId, internal, tls == null ? null : tls.certificates(), lab, noc, admission(known));
        ArtemisBroker artemis = new ArtemisBroker(config.dataDir(), config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES),
                new TopicAcl(account), gate, refusals);
        if (lab != null) {
            artemis.listenPlain(bind, config.integer(ConfigKey.BROKER_PORT));
        }
        if (tls != null) {
            artemis.listenTls(tls);
        }
        if (noc != null) {
            artemis.listenNoc(tls, config.integer(ConfigKey.BROKER_NOC_PORT));
        }
        return artemis;
    }

    private boolean flag(ConfigKey key) {
        String v = config.get(key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(config.source() + ": " + key.key + " must be 'true' or 'false', got '" + v + "'");
        }
        return v.equals("true");
    }

    private PasswordFile passwordFile(ConfigKey key, ConfigKey neededBy) {
        String file = config.get(key).trim();
        if (file.isEmpty()) {
            throw new ConfigException(config.source() + ": " + neededBy.key + " needs " + key.key
                    + " (a password file: mosquitto_passwd -c FILE USER)");
        }
        try {
            return new PasswordFile(Path.of(file)).load();
        } catch (java.io.IOException e) {
            throw new ConfigException(config.source() + ": " + key.key + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    /** A box's unit must be known at CONNECT: refusals go to the broker's count and log. */
    private static UnitAdmission admission(KnownUnits known) {
        return unit -> {
            KnownUnits.Check c = known.check(unit);
            return switch (c.verdict()) {
                case KNOWN -> Optional.empty();
                case OUTSIDE_PROVINCE -> Optional.of(new Verdict.Refused(ConnectRefusal.OUTSIDE_PROVINCE, c.detail()));
                case NOT_IN_PLAN -> Optional.of(new Verdict.Refused(ConnectRefusal.NOT_IN_PLAN, c.detail()));
            };
        };
    }

    /** Messages of an unknown unit (possible with an external broker) are refused and alarmed. */
    private UnitFilter unitFilter(KnownUnits known) {
        return unit -> {
            KnownUnits.Check c = known.check(unit.toString());
            if (c.known()) {
                return Optional.empty();
            }
            refusalAlarms.note("ingest/" + unit, new Alarm("ingest.unknown-unit", Alarm.Severity.MAJOR, "ingest",
                    "messages of unit " + unit + " refused: " + c.detail(), Map.of("unit", unit.toString(),
                    "reason", c.verdict().name().toLowerCase().replace('_', '-')), System.currentTimeMillis()));
            return Optional.of(c.detail());
        };
    }

    /** Called on a broker thread for each refused connection: queues a (throttled) alarm. */
    private void alarmRefusedConnection(RefusalLog.Refused r) {
        String client = LogSafe.of(r.clientId());
        String listener = r.listener() == null ? "unknown" : r.listener().domain;
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("listener", listener);
        evidence.put("reason", r.refusal().reason().label);
        evidence.put("client_id", client);
        evidence.put("user", LogSafe.of(r.username()));
        evidence.put("remote", LogSafe.of(r.remote()));
        refusalAlarms.note("broker/" + r.refusal().reason().label + "/" + client, new Alarm("broker.connection-refused",
                Alarm.Severity.MAJOR, "broker", "refused MQTT connection of client '" + client + "' on the " + listener + " listener: "
                + r.refusal().reason().label + ": " + LogSafe.of(r.refusal().detail()), evidence, System.currentTimeMillis()));
    }

    /** The TLS listener when {@code broker.tls.port} is set (certificates of the provincial CA only), else null. */
    private TlsAcceptor tlsAcceptor(ProvincialCa ca, String bind) throws Exception {
        String tlsPort = config.get(ConfigKey.BROKER_TLS_PORT).trim();
        if (tlsPort.isEmpty()) {
            return null;
        }
        if (ca == null) {
            throw new ConfigException(config.source() + ": " + ConfigKey.BROKER_TLS_PORT.key
                    + " is set but the provincial CA is not (set ca.passphrase-file)");
        }
        return BrokerTlsIdentity.acceptor(ca, config.dataDir().resolve("broker-tls"), bind, config.integer(ConfigKey.BROKER_TLS_PORT),
                csv(config.get(ConfigKey.BROKER_TLS_DNS_NAMES)), csv(config.get(ConfigKey.BROKER_TLS_IPS)));
    }

    private static List<String> csv(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private void registerGauges() {
        gauges.register("ingest.connected", client::isConnected);
        gauges.register("ingest.received", metrics.received::sum);
        gauges.register("ingest.stored", metrics.stored::sum);
        gauges.register("ingest.duplicates", metrics.duplicates::sum);
        gauges.register("ingest.batches", metrics.batches::sum);
        gauges.register("ingest.store-retries", metrics.storeRetries::sum);
        gauges.register("ingest.queue.depth", queue::depth);
        gauges.register("ingest.queue.capacity", queue::capacity);
        gauges.register("ingest.queue.high-water", queue::highWater);
        gauges.register("ingest.queue.full-waits", metrics.queueFullWaits::sum);
        gauges.register("ingest.malformed.total", metrics::malformedTotal);
        for (MalformedReason r : MalformedReason.values()) {
            gauges.register("ingest.malformed." + r.label, () -> metrics.malformedCount(r));
        }
        for (BoxStatus s : BoxStatus.values()) {
            gauges.register("fleet." + s.name().toLowerCase(), () -> fleet.list().stream().filter(b -> b.status() == s).count());
        }
        gauges.register("web.body.bytes-read", webMetrics.bodyBytesRead::sum);
        gauges.register("web.body.too-large", webMetrics.bodiesTooLarge::sum);
        gauges.register("web.login.failures", webMetrics.loginFailures::sum);
        gauges.register("web.login.throttled", webMetrics.loginsThrottled::sum);
        if (broker != null) {
            gauges.register("broker.backlog.bytes", broker::backlogBytes);
            gauges.register("broker.backlog.messages", broker::backlogMessages);
            gauges.register("broker.backlog.bound-bytes", () -> config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES));
            gauges.register("broker.acl-refusals", broker::aclRefusals);
            gauges.register("broker.connections", broker::connections);
            RefusalLog refused = broker.refusals();
            gauges.register("broker.refused.total", refused::total);
            for (ConnectRefusal r : ConnectRefusal.values()) {
                gauges.register("broker.refused." + r.label, () -> refused.count(r));
            }
        }
        gauges.register("ingest.connection-losses", metrics.connectionLosses::sum);
        gauges.register("alarms.throttled.pending", refusalAlarms::pending);
        gauges.register("alarms.throttled.suppressed", refusalAlarms::suppressed);
        gauges.register("alarms.throttled.dropped", refusalAlarms::dropped);
    }

    public String fleetUrl() {
        return web.baseUrl() + "/fleet";
    }

    public String webUrl() {
        return web.baseUrl();
    }

    /**
     * Where boxes reach the broker without TLS: the embedded broker's plain lab listener (null
     * unless {@code broker.plain.enabled}), or the external broker's URL.
     */
    public String brokerUrl() {
        return brokerUrl;
    }

    /** The embedded broker's MQTT-over-TLS URL for boxes, or null without a TLS listener. */
    public String brokerTlsUrl() {
        return broker == null ? null : broker.tlsUrl();
    }

    /** The embedded broker's read-only NOC listener, or null. */
    public String brokerNocUrl() {
        return broker == null ? null : broker.nocUrl();
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public Database database() {
        return database;
    }

    public ManagerContext context() {
        return context;
    }

    /** The embedded broker, or null with an external one. */
    public ArtemisBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", closeables.get(i), e.toString());
            }
        }
        closeables.clear();
    }
}
