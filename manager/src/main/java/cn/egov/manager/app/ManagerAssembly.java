package cn.egov.manager.app;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.text.LogSafe;
import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.CredentialWatch;
import cn.egov.manager.broker.IdentityGate;
import cn.egov.manager.broker.Listener;
import cn.egov.manager.broker.InternalClientGate;
import cn.egov.manager.broker.PasswordFile;
import cn.egov.manager.broker.OversizePacket;
import cn.egov.manager.broker.RefusalLog;
import cn.egov.manager.broker.SetAsideHandler;
import cn.egov.manager.broker.TlsAcceptor;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.broker.UnitAdmission;
import cn.egov.manager.broker.Verdict;
import cn.egov.manager.broker.rabbitmq.RabbitMqAuthServer;
import cn.egov.manager.broker.rabbitmq.RabbitMqAuthorizer;
import cn.egov.manager.broker.rabbitmq.RabbitMqConnections;
import cn.egov.manager.broker.rabbitmq.RevocationSweep;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.ca.BrokerTlsIdentity;
import cn.egov.manager.ca.CaService;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RabbitMqAuthTls;
import cn.egov.manager.ca.RegisteredUnit;
import cn.egov.manager.cluster.Leadership;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.KnownUnits;
import cn.egov.manager.store.BacklogAlarm;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.BatchStore;
import cn.egov.manager.ingest.BrokerLogin;
import cn.egov.manager.ingest.TelemetryListeners;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.plan.PlanPart;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.web.OperationsRoutes;
import cn.egov.manager.web.WebMetrics;
import cn.egov.manager.web.WebRoutes;
import cn.egov.manager.web.WebServer;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the manager from its configuration, in dependency order: store → fleet (restored from the
 * store) → plan in force → embedded broker with only the manager's own listener (unless external)
 * → every part ({@link Parts}: its tables, keys, routes, meters, work, listeners; ingestion first)
 * → each part's {@code ready()} (ingest subscribes: so a part misses nothing that waited in the broker) → web → the broker's listeners for boxes and the NOC → periodic checks (backlog alarms,
 * refusal alarms). {@link #close()} stops in reverse; unacknowledged messages stay with the broker.
 */
public final class ManagerAssembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerAssembly.class);
    private static final long ALARM_CHECK_MS = 1000;
    /** Alarm kinds of a broker listener near its connection bound (broker.max-connections, broker.noc.max-connections). */
    private static final String BOX_CONNECTIONS_ALARM = "broker.connection-limit";
    private static final String NOC_CONNECTIONS_ALARM = "broker.noc.connection-limit";
    /** Raised above this share of the bound: the next reconnect wave would be refused. */
    private static final double CONNECTIONS_ALARM_RATIO = 0.9;
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
     * @param caService        the running CA (EST, CRLs, OCSP) for the CA part's meters, or null
     */
    public record Options(UnaryOperator<BatchStore> storeDecorator, PlaceNames placeNames,
                          ProvincialCa tlsCa, PolicySigningKey policySigning, CaService caService) {
        public static Options defaults() {
            return new Options(UnaryOperator.identity(), PlaceNames.HEBEI, null, null, null);
        }

        public Options withStoreDecorator(UnaryOperator<BatchStore> d) {
            return new Options(d, placeNames, tlsCa, policySigning, caService);
        }

        public Options withTlsCa(ProvincialCa ca) {
            return new Options(storeDecorator, placeNames, ca, policySigning, caService);
        }

        public Options withPolicySigning(PolicySigningKey key) {
            return new Options(storeDecorator, placeNames, tlsCa, key, caService);
        }

        /** The running CA: its TLS identity for broker and web, and its meters. */
        public Options withCa(CaService service) {
            return new Options(storeDecorator, placeNames, service.ca(), policySigning, service);
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ManagerConfig config;
    private Database database;
    private FleetRegistry fleet;
    private ArtemisBroker broker;
    /** The embedded broker's lab and NOC password files, when configured (the credential watch reads their stamps). */
    private PasswordFile labPasswords;
    private PasswordFile nocPasswords;
    private Parts parts;
    private WebServer web;
    private ThrottledAlarms refusalAlarms;
    private final Meters meters = new Meters();
    private final WebMetrics webMetrics = new WebMetrics();
    private PartContext context;
    private WebRoutes routes;
    private String brokerUrl;
    private Leadership leadership;

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
        database = Database.open(config.jdbcUrl(), config.get(ConfigKey.DB_USER), config.get(ConfigKey.DB_PASSWORD),
                new Database.Pool(config.integer(ConfigKey.DB_POOL_SIZE), config.longValue(ConfigKey.DB_POOL_TIMEOUT_MS),
                        config.longValue(ConfigKey.DB_POOL_IDLE_MS)));
        parts = new Parts(options);
        java.util.Set<String> partKeys = new java.util.HashSet<>();
        parts.all().forEach(p -> p.keys().forEach(k -> partKeys.add(k.key())));
        for (String key : config.extensions().keySet()) {
            if (!partKeys.contains(key)) {
                throw new ConfigException(config.source() + ": unknown key '" + key + "' (see 'manager config-keys')");
            }
        }
        for (ManagerPart p : parts.all()) {
            config.part(p.keys()); // values set in code are checked like the file's
            database.migrate(p.name(), p.migrations());
        }
        fleet = new FleetRegistry(options.placeNames(), config.integer(ConfigKey.FLEET_MISSING_FACTOR),
                config.integer(ConfigKey.FLEET_DEFAULT_HEALTH_INTERVAL_S));
        try (Connection c = database.connect()) {
            long readAt = System.currentTimeMillis();
            fleet.load(BoxStore.loadAll(c, options.placeNames()), readAt);
        }
        AlarmStore alarms = new AlarmStore(database);
        refusalAlarms = new ThrottledAlarms(alarms, TimeUnit.SECONDS.toMillis(config.integer(ConfigKey.BROKER_REFUSAL_ALARM_INTERVAL_S)),
                MAX_PENDING_ALARMS);
        // the plan in force decides, with the province's divisions, which units may be boxes here
        PlanPart plan = parts.plan();
        plan.open(database, config.part(plan.keys()));
        KnownUnits known = parts.known();
        String account = config.get(ConfigKey.ACCOUNT);
        String clientId = parts.subscriberId(config);

        String ingestUrl;
        String user = config.get(ConfigKey.BROKER_USERNAME);
        String password = config.get(ConfigKey.BROKER_PASSWORD);
        if (config.get(ConfigKey.BROKER_MODE).equals("embedded")) {
            InternalClientGate internal = new InternalClientGate();
            broker = embeddedBroker(options.tlsCa(), internal, clientId, account, known);
            broker.start();
            closeables.add(broker);
            parts.embeddedBroker(broker);
            ingestUrl = broker.internalUrl();
            user = InternalClientGate.INTERNAL_USER;
            password = internal.secret();
        } else {
            // rabbitmq: the ingest part consumes over AMQP from broker.amqp.addresses; boxes use the nodes' MQTT listeners
            ingestUrl = config.get(ConfigKey.BROKER_MODE).equals("rabbitmq") ? "amqp://" + config.get(ConfigKey.BROKER_AMQP_ADDRESSES)
                    : config.get(ConfigKey.BROKER_URL);
            brokerUrl = ingestUrl;
        }

        TelemetryListeners listeners = new TelemetryListeners();
        AuditLog audit = new AuditLog(database);
        BrokerLogin login = new BrokerLogin(ingestUrl, user, password);
        registerMeters();
        leadership = startLeadership();
        if (config.get(ConfigKey.BROKER_MODE).equals("rabbitmq")) {
            rabbitMqGuard(options.tlsCa(), account, known);
        }
        routes = new WebRoutes();
        context = context(Map.of(), alarms, listeners, login, audit);
        for (ManagerPart p : parts.all()) {
            p.start(context(config.part(p.keys()), alarms, listeners, login, audit));
            closeables.add(p);
        }
        closeables.add(leadership);
        // every part's listener and receiver (TelemetryListeners) is in place by now: the ingest part
        // subscribes in ready(), and what waited in the broker passes none of them by
        for (ManagerPart p : parts.all()) {
            p.ready();
        }
        OperationsRoutes.add(routes, meters, database, parts::subscribed, Parts.openApi(parts.all()));
        SetAsideHandler.add(routes, broker, audit);
        web = WebPart.build(config, options.tlsCa(), routes, database, audit, webMetrics, new ConnectionLimit("web",
                ConfigKey.WEB_MAX_CONNECTIONS.key, config.integer(ConfigKey.WEB_MAX_CONNECTIONS), meters, "web", refusalAlarms));
        web.start();
        closeables.add(web);

        if (broker != null) {
            // boxes and operators come in once everything they talk to is running
            broker.open();
            // stopping starts here (closeables run in reverse): no box publishes into a manager that stops
            closeables.add(broker::closeListeners);
            brokerUrl = broker.plainUrl();
            if (broker.tlsUrl() == null && broker.plainUrl() == null) {
                LOG.warn("no MQTT listener for boxes: set broker.tls.port (with ca.passphrase-file), or broker.plain.enabled for a lab");
            }
            if (plan.inForce().isEmpty()) {
                LOG.warn("no address plan in force (plan.dir, POST /api/plan): boxes are checked against the province's divisions only");
            }
        }

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "manager-checks");
            t.setDaemon(true);
            return t;
        });
        closeables.add(timer::shutdownNow);
        timer.scheduleWithFixedDelay(() -> refusalAlarms.flush(System.currentTimeMillis()), ALARM_CHECK_MS, ALARM_CHECK_MS,
                TimeUnit.MILLISECONDS);
        if (broker != null) {
            BacklogAlarm brokerAlarm = new BacklogAlarm("broker.backlog", "the embedded broker's in-memory backlog (bytes)",
                    broker::backlogBytes, config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES),
                    config.ratio(ConfigKey.BROKER_QUEUE_ALARM_RATIO), alarms);
            meters.flag("broker.backlog.alarm", "1 while the broker.backlog alarm is raised", brokerAlarm::isRaised);
            timer.scheduleWithFixedDelay(brokerAlarm::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
            for (ArtemisBroker.SetAside where : ArtemisBroker.SetAside.values()) {
                // ratio 0: any message set aside is something an operator must look at
                BacklogAlarm setAside = new BacklogAlarm(where.alarmKind(), "the embedded broker's " + where.label
                        + " queue (messages; which boxes and topics: GET " + SetAsideHandler.PATH + ", then purge it there)",
                        () -> broker.setAside(where).held(), ArtemisBroker.SET_ASIDE_BOUND, 0, alarms);
                meters.flag("broker." + where.label + ".alarm", "1 while the broker." + where.label + " alarm is raised", setAside::isRaised);
                timer.scheduleWithFixedDelay(setAside::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
            }
            for (Listener l : List.of(Listener.TLS, Listener.NOC)) {
                if (!broker.listens(l)) {
                    continue;
                }
                BacklogAlarm full = new BacklogAlarm(l == Listener.NOC ? NOC_CONNECTIONS_ALARM : BOX_CONNECTIONS_ALARM,
                        "the embedded broker's " + l.domain + " listener (open connections)", () -> broker.connections(l),
                        broker.maxConnections(l), CONNECTIONS_ALARM_RATIO, alarms);
                meters.gauge("broker.connections." + l.domain, "open connections of the " + l.domain + " listener", () -> broker.connections(l));
                meters.flag("broker.connections." + l.domain + ".alarm", "1 while the " + l.domain + " listener is near its connection bound",
                        full::isRaised);
                timer.scheduleWithFixedDelay(full::check, ALARM_CHECK_MS, ALARM_CHECK_MS, TimeUnit.MILLISECONDS);
            }
            long every = config.longValue(ConfigKey.BROKER_CREDENTIAL_CHECK_MS);
            timer.scheduleWithFixedDelay(new CredentialWatch(credentialStamp(options.tlsCa()), broker::closeWithdrawn), every, every,
                    TimeUnit.MILLISECONDS);
        }
        String boxesAt = broker != null
                ? "MQTT for boxes: " + String.join(", ", Arrays.asList(broker.tlsUrl(), broker.plainUrl(), broker.nocUrl()).stream()
                        .filter(u -> u != null).toList())
                : config.get(ConfigKey.BROKER_MODE).equals("rabbitmq")
                ? "boxes on the RabbitMQ cluster's MQTT listeners; ingest over AMQP from " + config.get(ConfigKey.BROKER_AMQP_ADDRESSES)
                : "MQTT for boxes: " + ingestUrl;
        LOG.info("manager ready: fleet at {}/fleet; {}", web.baseUrl(), boxesAt);
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
        labPasswords = lab;
        nocPasswords = noc;
        RefusalLog refusals = new RefusalLog(this::alarmRefusedConnection);
        IdentityGate gate = new IdentityGate(clientId, internal, tls == null ? null : tls.certificates(), lab, noc, admission(known));
        ArtemisBroker artemis = new ArtemisBroker(config.dataDir(), config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES),
                new TopicAcl(account), gate, refusals).maxPacketBytes(config.integer(ConfigKey.BROKER_MAX_PACKET_BYTES), this::alarmOversizePacket)
                .maxConnections(config.integer(ConfigKey.BROKER_MAX_CONNECTIONS), config.integer(ConfigKey.BROKER_NOC_MAX_CONNECTIONS));
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

    /**
     * {@code broker.mode = rabbitmq}: the endpoint RabbitMQ's HTTP auth backend asks at every CONNECT
     * (CA register, province and plan, client id = unit, the topic ACL), and the singleton that
     * closes the connections of a unit whose certificate was revoked. Without
     * {@code broker.rabbitmq.auth.port}: a warning, RabbitMQ's own users decide alone.
     */
    private void rabbitMqGuard(ProvincialCa ca, String account, KnownUnits known) throws Exception {
        if (config.get(ConfigKey.BROKER_RABBITMQ_AUTH_PORT).isBlank()) {
            LOG.warn("broker.mode=rabbitmq without broker.rabbitmq.auth.port: RabbitMQ's own users decide; a revocation needs "
                    + "'egov-rabbitmq-users revoke UNIT' and a box may take another box's client id (manager/README.md)");
            return;
        }
        if (ca == null) {
            throw new ConfigException(config.source() + ": " + ConfigKey.BROKER_RABBITMQ_AUTH_PORT.key
                    + " is set but the provincial CA is not (set ca.passphrase-file on this node)");
        }
        UnitAdmission units = admission(known).and(new RegisteredUnit(ca));
        RabbitMqAuthorizer authorizer = new RabbitMqAuthorizer(config.get(ConfigKey.BROKER_USERNAME),
                config.get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME), config.get(ConfigKey.BROKER_AMQP_VHOST),
                parts.amqpQueue(config), new TopicAcl(account), units);
        Set<String> callers = Set.copyOf(csv(config.get(ConfigKey.BROKER_RABBITMQ_AUTH_CLIENTS)));
        RabbitMqAuthServer server = new RabbitMqAuthServer(config.get(ConfigKey.BROKER_RABBITMQ_AUTH_BIND),
                config.integer(ConfigKey.BROKER_RABBITMQ_AUTH_PORT),
                RabbitMqAuthTls.serverContext(ca, csv(config.get(ConfigKey.BROKER_RABBITMQ_AUTH_DNS_NAMES)),
                        csv(config.get(ConfigKey.BROKER_RABBITMQ_AUTH_IPS))),
                leaf -> RabbitMqAuthTls.refusal(ca, callers, leaf), authorizer, this::alarmRabbitMqDenial,
                config.integer(ConfigKey.BROKER_RABBITMQ_AUTH_QUEUE), this::alarmRabbitMqAuthBusy);
        server.start();
        closeables.add(server);
        for (String path : RabbitMqAuthServer.PATHS) {
            meters.counter("rabbitmq.auth.denied", "path", path, "questions of RabbitMQ's auth backend answered deny", () -> server.denied(path));
        }
        meters.counter("rabbitmq.auth.busy", "questions of RabbitMQ's auth backend answered 503: broker.rabbitmq.auth.queue were waiting",
                server::busy);
        meters.gauge("rabbitmq.auth.queue.depth", "questions of RabbitMQ's auth backend waiting for a thread", server::waiting);
        meters.counter("rabbitmq.auth.refused-callers", "callers of the RabbitMQ auth endpoint without an allowed certificate (403)",
                server::refusedCallers);
        LOG.info("RabbitMQ auth endpoint on https://{}:{}/auth/ (user, vhost, resource, topic) for {}",
                config.get(ConfigKey.BROKER_RABBITMQ_AUTH_BIND), server.port(), callers);
        RabbitMqConnections connections = new RabbitMqConnections(
                csv(config.get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS)).stream().map(URI::create).toList(),
                config.get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME), config.get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_PASSWORD),
                RabbitMqAuthTls.clientContext(ca));
        Duration every = Duration.ofMillis(config.longValue(ConfigKey.BROKER_CREDENTIAL_CHECK_MS));
        RevocationSweep sweep = new RevocationSweep(credentialStamp(ca), since -> revokedUnits(ca, since), connections, Clock.systemUTC());
        meters.counter("rabbitmq.revocation.closures", "times the connections of a unit with a revoked certificate were closed", sweep::closures);
        leadership.every("rabbitmq-revocations", "the RabbitMQ revocation sweep", every, sweep);
    }

    private static List<String> revokedUnits(ProvincialCa ca, Instant since) {
        try {
            return ca.revokedSince(since).stream().map(c -> c.unit()).filter(Objects::nonNull).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA register cannot be read: " + e.getMessage(), e);
        }
    }

    /** What the embedded broker's logins depend on: the CA register's revocations and the password files. */
    private Supplier<Object> credentialStamp(ProvincialCa ca) {
        List<PasswordFile> files = Stream.of(labPasswords, nocPasswords).filter(Objects::nonNull).toList();
        return () -> {
            List<Object> stamp = new ArrayList<>();
            try {
                stamp.add(ca == null ? 0L : ca.revocationCount());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the CA register cannot be read: " + e.getMessage(), e);
            }
            files.forEach(f -> stamp.add(f.stamp()));
            return stamp;
        };
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
        if (r.certificate() != null) {
            evidence.put("certificate", r.certificate());
        }
        // one alarm per reason and per who tried (certificate, else address), not per client id: a client that makes up a new
        // id at every attempt would raise an alarm each (the first attempt's id is named, the others counted as attempts)
        refusalAlarms.note("broker/" + r.refusal().reason().label + "/" + r.who(), new Alarm("broker.connection-refused",
                Alarm.Severity.MAJOR, "broker", "refused MQTT connection of client '" + client + "' on the " + listener + " listener: "
                + r.refusal().reason().label + ": " + LogSafe.of(r.refusal().detail()), evidence, System.currentTimeMillis()));
    }

    /**
     * Called on a broker thread for each packet refused for its size: one alarm per listener and address in the interval
     * (the address without its port: a client comes back from another port after each closed connection).
     */
    private void alarmOversizePacket(OversizePacket p) {
        String host = p.remote().replaceFirst(":\\d+$", "");
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("listener", p.listener());
        evidence.put("remote", LogSafe.of(p.remote()));
        evidence.put("limit_bytes", config.get(ConfigKey.BROKER_MAX_PACKET_BYTES));
        evidence.put("detail", LogSafe.of(p.detail()));
        refusalAlarms.note("broker/packet-too-large/" + p.listener() + "/" + host, new Alarm("broker.packet-too-large",
                Alarm.Severity.MAJOR, "broker", "closed the MQTT connection from " + LogSafe.of(p.remote()) + " on the " + p.listener()
                + " listener: a packet larger than " + ConfigKey.BROKER_MAX_PACKET_BYTES.key + " (" + LogSafe.of(p.detail()) + ")",
                evidence, System.currentTimeMillis()));
    }

    /**
     * Called on an auth-endpoint thread for each question RabbitMQ got "deny" for: a refused login (user, vhost) is a
     * refused connection as on the embedded broker; a refused topic or queue is a box reaching beyond its own.
     */
    private void alarmRabbitMqDenial(RabbitMqAuthServer.Denial d) {
        String user = LogSafe.of(d.user());
        String client = LogSafe.of(d.clientId());
        boolean login = d.path().equals("user") || d.path().equals("vhost");
        String kind = login ? "broker.connection-refused" : "broker.access-refused";
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("listener", "rabbitmq");
        evidence.put("check", d.path());
        evidence.put("client_id", client);
        evidence.put("user", user);
        evidence.put("reason", LogSafe.of(d.why()));
        // one alarm per check and user (a box's user is its certificate's unit code), not per client id: a box making up a
        // new client id at every attempt would raise an alarm each (as on the embedded broker: alarmRefusedConnection)
        refusalAlarms.note("rabbitmq/" + d.path() + "/" + user, new Alarm(kind, Alarm.Severity.MAJOR, "broker",
                (login ? "refused MQTT connection of user '" + user + "' (client id '" + client + "') at RabbitMQ: "
                        : "refused " + d.path() + " access of user '" + user + "' at RabbitMQ: ") + LogSafe.of(d.why()),
                evidence, System.currentTimeMillis()));
    }

    /**
     * Called on the auth endpoint's accepting thread for each question refused because its queue was full: the logins
     * of that moment fail and the boxes come back after their back-off; one alarm per interval says how many.
     */
    private void alarmRabbitMqAuthBusy(long refusedSoFar) {
        int queue = config.integer(ConfigKey.BROKER_RABBITMQ_AUTH_QUEUE);
        refusalAlarms.note("rabbitmq/auth-busy", new Alarm("broker.auth-busy", Alarm.Severity.MAJOR, "broker",
                "the RabbitMQ auth endpoint refused a question (503): " + queue + " (" + ConfigKey.BROKER_RABBITMQ_AUTH_QUEUE.key
                        + ") were already waiting; those logins failed and the boxes retry after their back-off",
                Map.of("queue", Integer.toString(queue), "refused_so_far", Long.toString(refusedSoFar)), System.currentTimeMillis()));
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

    private PartContext context(Map<String, String> keys, AlarmStore alarms, TelemetryListeners listeners, BrokerLogin login,
                                AuditLog audit) {
        return new PartContext(keys, config, database, fleet, alarms, refusalAlarms, parts.messenger(), login, listeners, meters, routes,
                audit, leadership);
    }

    /**
     * The province-wide singletons' runner. Closed twice over: as registered here (a part that fails
     * to start leaves no singleton thread) and again before the parts (registered after them), so
     * no singleton runs against a part that has stopped; the second close does nothing.
     */
    private Leadership startLeadership() {
        String node = config.get(ConfigKey.CLUSTER_NODE).trim();
        if (node.isEmpty()) {
            node = hostName() + "-" + ProcessHandle.current().pid();
        }
        Leadership l = new Leadership(database, node, Duration.ofMillis(config.longValue(ConfigKey.CLUSTER_LEADER_RETRY_MS)), meters);
        closeables.add(l);
        return l;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "manager";
        }
    }

    /** The trunk's meters: the broker, the web shell, the alarm throttle (ingestion's are the ingest part's). */
    private void registerMeters() {
        meters.counter("web.body.bytes-read", "request body bytes read", webMetrics.bodyBytesRead::sum);
        meters.counter("web.body.too-large", "requests answered 413", webMetrics.bodiesTooLarge::sum);
        meters.counter("web.login.failures", "failed log-ins (password, token)", webMetrics.loginFailures::sum);
        meters.counter("web.login.throttled", "log-ins refused by the throttle (429)", webMetrics.loginsThrottled::sum);
        if (broker != null) {
            meters.gauge("broker.backlog.bytes", "bytes of undelivered messages in the embedded broker", broker::backlogBytes);
            meters.gauge("broker.backlog.messages", "undelivered messages in the embedded broker", broker::backlogMessages);
            meters.gauge("broker.backlog.bound-bytes", "broker.queue.max-bytes", () -> config.longValue(ConfigKey.BROKER_QUEUE_MAX_BYTES));
            meters.counter("broker.packets.too-large", "MQTT packets over broker.max-packet-bytes, refused unread (connection closed)",
                    broker::oversizePackets);
            meters.counter("broker.acl-refusals", "publishes and subscriptions refused by the topic ACL", broker::aclRefusals);
            meters.gauge("broker.dead-letter.messages", "messages the embedded broker gave up delivering, kept (the newest "
                    + ArtemisBroker.SET_ASIDE_BOUND + ")", () -> broker.setAside(ArtemisBroker.SetAside.DEAD_LETTER).held());
            meters.counter("broker.dead-letter.replaced", "dead letters replaced by newer ones at the bound",
                    () -> broker.setAside(ArtemisBroker.SetAside.DEAD_LETTER).replaced());
            meters.gauge("broker.expired.messages", "messages that expired before delivery, kept (the newest "
                    + ArtemisBroker.SET_ASIDE_BOUND + ")", () -> broker.setAside(ArtemisBroker.SetAside.EXPIRED).held());
            meters.counter("broker.expired.replaced", "expired messages replaced by newer ones at the bound",
                    () -> broker.setAside(ArtemisBroker.SetAside.EXPIRED).replaced());
            meters.gauge("broker.connections", "open MQTT connections", broker::connections);
            RefusalLog refused = broker.refusals();
            for (ConnectRefusal r : ConnectRefusal.values()) {
                meters.counter("broker.refused", "reason", r.label, "refused MQTT connections by reason", () -> refused.count(r));
            }
        }
        meters.gauge("alarms.throttled.pending", "distinct alarms waiting for the next second", refusalAlarms::pending);
        meters.counter("alarms.throttled.suppressed", "alarms held back by the throttle", refusalAlarms::suppressed);
        meters.counter("alarms.throttled.dropped", "alarms dropped at the bound", refusalAlarms::dropped);
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

    /** The running part of that class (tests and benchmarks look at a part's counters). */
    public <T extends ManagerPart> T part(Class<T> type) {
        return parts.part(type);
    }

    public Database database() {
        return database;
    }

    /** Which province-wide singletons this node runs. */
    public Leadership leadership() {
        return leadership;
    }

    /** What the parts were given (the shell's services, without a part's keys). */
    public PartContext context() {
        return context;
    }

    /** Every meter of the trunk and the parts ({@code GET /metrics}). */
    public Meters meters() {
        return meters;
    }

    /** Every route of the web server: the shell's and the parts'. */
    public WebRoutes routes() {
        return routes;
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
