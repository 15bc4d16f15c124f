package cn.egov.manager.app;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.ClientAuthenticator;
import cn.egov.manager.broker.FreePort;
import cn.egov.manager.broker.InternalClientGate;
import cn.egov.manager.broker.MqttBroker;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.ca.BrokerTlsIdentity;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
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
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.RouteContributors;
import cn.egov.manager.web.WebMetrics;
import cn.egov.manager.web.WebRoutes;
import cn.egov.manager.web.WebServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the manager from its configuration, in dependency order: store → fleet (restored from the
 * store) → embedded broker (unless external) → ingest writer → MQTT subscriber → web (with every
 * {@link RouteContributor}) → periodic checks (MISSING boxes, backlog alarms). {@link #close()}
 * stops in reverse; unacknowledged messages stay with the broker.
 */
public final class ManagerAssembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerAssembly.class);
    private static final long ALARM_CHECK_MS = 1000;

    /**
     * Choices that are code, not configuration.
     *
     * @param boxAuthenticator who may connect to the embedded broker (the CA part plugs certificate checks in here)
     * @param storeDecorator   wraps the batch store (tests slow it down on purpose)
     * @param placeNames       names of divisions for the hierarchy
     * @param tlsCa            the provincial CA for the broker's TLS listener ({@code broker.tls.port}) and the web
     *                         server's HTTPS ({@code web.tls = ca}), or null
     * @param policySigning    the key that signs isolation policy bundles, or null (no signed distribution)
     */
    public record Options(ClientAuthenticator boxAuthenticator, UnaryOperator<BatchStore> storeDecorator, PlaceNames placeNames,
                          ProvincialCa tlsCa, PolicySigningKey policySigning) {
        public static Options defaults() {
            return new Options(InternalClientGate.openToBoxes(), UnaryOperator.identity(), PlaceNames.HEBEI, null, null);
        }

        public Options withStoreDecorator(UnaryOperator<BatchStore> d) {
            return new Options(boxAuthenticator, d, placeNames, tlsCa, policySigning);
        }

        public Options withTlsCa(ProvincialCa ca) {
            return new Options(boxAuthenticator, storeDecorator, placeNames, ca, policySigning);
        }

        public Options withPolicySigning(PolicySigningKey key) {
            return new Options(boxAuthenticator, storeDecorator, placeNames, tlsCa, key);
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ManagerConfig config;
    private Database database;
    private FleetRegistry fleet;
    private MqttBroker broker;
    private IngestQueue queue;
    private IngestWriter writer;
    private MqttIngestClient client;
    private WebServer web;
    private final IngestMetrics metrics = new IngestMetrics();
    private final MetricGauges gauges = new MetricGauges();
    private final WebMetrics webMetrics = new WebMetrics();
    private ManagerContext context;
    private String brokerUrl;
    private String brokerTlsUrl;

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
        String account = config.get(ConfigKey.ACCOUNT);
        String clientId = config.get(ConfigKey.INGEST_CLIENT_ID);

        String user = config.get(ConfigKey.BROKER_USERNAME);
        String password = config.get(ConfigKey.BROKER_PASSWORD);
        if (config.get(ConfigKey.BROKER_MODE).equals("embedded")) {
            String bind = config.get(ConfigKey.BROKER_BIND);
            int port = config.integer(ConfigKey.BROKER_PORT);
            InternalClientGate gate = new InternalClientGate(options.boxAuthenticator());
            broker = new ArtemisBroker(bind, port == 0 ? FreePort.on(bind) : port, config.dataDir(),
                    config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES), gate, new TopicAcl(account));
            enableTls((ArtemisBroker) broker, bind, options.tlsCa());
            broker.start();
            closeables.add(broker);
            brokerUrl = broker.url();
            user = InternalClientGate.INTERNAL_USER;
            password = gate.secret();
        } else {
            brokerUrl = config.get(ConfigKey.BROKER_URL);
        }

        queue = new IngestQueue(config.integer(ConfigKey.INGEST_QUEUE_CAPACITY), metrics);
        TelemetryListeners listeners = new TelemetryListeners();
        BatchStore store = options.storeDecorator().apply(new SqlBatchStore(database, fleet));
        client = new MqttIngestClient(brokerUrl, clientId, user, password, account, queue, metrics);
        writer = new IngestWriter(queue, new MessageDecoder(account, config.integer(ConfigKey.INGEST_MAX_PAYLOAD_BYTES)),
                store, client, listeners, metrics, config.integer(ConfigKey.INGEST_BATCH_SIZE));
        Thread writerThread = new Thread(writer, "ingest-writer");
        writerThread.start();
        closeables.add(() -> {
            writer.stop();
            writerThread.join(5000);
        });
        client.start();
        closeables.add(client);

        context = new ManagerContext(config, database, fleet, alarms, client, listeners, gauges, options.policySigning(),
                new BrokerLogin(brokerUrl, user, password));
        registerGauges();

        WebRoutes routes = new WebRoutes();
        for (RouteContributor c : RouteContributors.all()) {
            c.contribute(routes, context);
            if (c instanceof AutoCloseable part) {
                closeables.add(part); // a part with connections or threads of its own (exchange hub) stops with the manager
            }
        }
        web = WebPart.build(config, options.tlsCa(), routes, context, webMetrics);
        web.start();
        closeables.add(web);

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
        if (broker != null) {
            BacklogAlarm brokerAlarm = new BacklogAlarm("broker.backlog", "the embedded broker's in-memory backlog (bytes)",
                    broker::backlogBytes, config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES),
                    config.ratio(ConfigKey.BROKER_QUEUE_ALARM_RATIO), alarms);
            gauges.register("broker.backlog.alarm", brokerAlarm::isRaised);
            timer.scheduleWithFixedDelay(brokerAlarm::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
        }
        LOG.info("manager ready: fleet at {}/fleet, broker at {}{}", web.baseUrl(), brokerUrl,
                brokerTlsUrl == null ? "" : " and " + brokerTlsUrl);
    }

    /** The TLS listener when {@code broker.tls.port} is set: certificates of the provincial CA only. */
    private void enableTls(ArtemisBroker artemis, String bind, ProvincialCa ca) throws Exception {
        String tlsPort = config.get(ConfigKey.BROKER_TLS_PORT).trim();
        if (tlsPort.isEmpty()) {
            return;
        }
        if (ca == null) {
            throw new IllegalStateException(ConfigKey.BROKER_TLS_PORT.key + " is set but the provincial CA is not (set ca.passphrase-file)");
        }
        int port = config.integer(ConfigKey.BROKER_TLS_PORT);
        artemis.enableTls(BrokerTlsIdentity.acceptor(ca, config.dataDir().resolve("broker-tls"), bind, port == 0 ? FreePort.on(bind) : port,
                csv(config.get(ConfigKey.BROKER_TLS_DNS_NAMES)), csv(config.get(ConfigKey.BROKER_TLS_IPS))));
        brokerTlsUrl = artemis.tlsUrl();
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
        }
    }

    public String fleetUrl() {
        return web.baseUrl() + "/fleet";
    }

    public String webUrl() {
        return web.baseUrl();
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    /** The embedded broker's MQTT-over-TLS URL, or null without a TLS listener. */
    public String brokerTlsUrl() {
        return brokerTlsUrl;
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
    public MqttBroker broker() {
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
