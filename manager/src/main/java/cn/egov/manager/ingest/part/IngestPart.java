package cn.egov.manager.ingest.part;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.HostPort;
import com.rabbitmq.client.Address;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.fleet.KnownUnits;
import cn.egov.manager.ingest.BatchStore;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.BrokerLogin;
import cn.egov.manager.ingest.IngestMetrics;
import cn.egov.manager.ingest.IngestQueue;
import cn.egov.manager.ingest.IngestSession;
import cn.egov.manager.ingest.AmqpIngestClient;
import cn.egov.manager.ingest.IngestWriter;
import cn.egov.manager.ingest.ListenerFeed;
import cn.egov.manager.ingest.InVmIngestClient;
import cn.egov.manager.ingest.MalformedReason;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.MqttIngestClient;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.ingest.UnitFilter;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.store.BacklogAlarm;
import cn.egov.manager.store.ThrottledAlarms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Ingestion as a part: the manager's persistent MQTT subscription ({@link MqttIngestClient}), or with
 * {@code broker.mode = rabbitmq} a competing consumer on a RabbitMQ quorum queue ({@link AmqpIngestClient}), the
 * bounded queue to the writer ({@link IngestQueue}, back-pressure, never drops) and the writer thread
 * ({@link IngestWriter}: decode, refuse unknown units, batch into the store, then hand the stored messages
 * to every {@code TelemetryListener} through a second bounded queue, {@link ListenerFeed}, told on thread
 * {@code ingest-listeners}). Its keys are {@code ingest.*} ({@link IngestConfigKey}),
 * its meters {@code ingest.*}, its alarms {@code ingest.backlog} (queue above
 * {@code ingest.queue.alarm-ratio}), {@code ingest.listeners.backlog} (the listeners' queue above that ratio) and {@code ingest.unknown-unit} (throttled like the broker's
 * refusals). It has no tables (the shell's {@code health_samples}, {@code alarms}, ... are the store's
 * core) and no routes.
 *
 * <p>It starts first, so every other part publishes to boxes through its session ({@link #messenger()});
 * it subscribes only in {@link #ready()}, once every part has registered its listeners and receivers,
 * so none misses what waited in the broker.
 */
public final class IngestPart implements ManagerPart {

    private static final long CHECK_MS = 1000;
    /** Distinct unknown-unit alarms waiting for the next check; beyond, counted as dropped. */
    private static final int MAX_PENDING_ALARMS = 1000;

    private final UnaryOperator<BatchStore> storeDecorator;
    private final KnownUnits known;
    private final IngestMetrics metrics = new IngestMetrics();
    private volatile IngestSession client;
    private volatile InVmIngestClient.Subscriber embedded;
    private IngestWriter writer;
    private ListenerFeed feed;
    private SqlBatchStore sqlStore;
    private Thread writerThread;
    private ScheduledExecutorService timer;

    /**
     * @param storeDecorator wraps the batch store (tests slow it down on purpose)
     * @param known          which units may be boxes here (the province's divisions and the plan in force)
     */
    public IngestPart(UnaryOperator<BatchStore> storeDecorator, KnownUnits known) {
        this.storeDecorator = storeDecorator;
        this.known = known;
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public List<KeySpec> keys() {
        return IngestConfigKey.specs();
    }

    /**
     * The embedded broker, whose subscription this part consumes in its JVM ({@code ingest.in-vm}); set
     * before {@link #start}, and only with {@code broker.mode = embedded}.
     */
    public void embeddedBroker(InVmIngestClient.Subscriber broker) {
        if (client != null) {
            throw new IllegalStateException("the ingest part has started: set the embedded broker before");
        }
        this.embedded = broker;
    }

    /** The client id of the manager's subscription, from the part's keys (the embedded broker reserves it). */
    public static String clientId(Map<String, String> keys) {
        return keys.get(IngestConfigKey.CLIENT_ID.shortKey());
    }

    /** The quorum queue of {@code broker.mode = rabbitmq} ({@code ingest.amqp.queue}): RabbitMQ's auth endpoint grants it. */
    public static String amqpQueue(Map<String, String> keys) {
        return keys.get(IngestConfigKey.AMQP_QUEUE.shortKey());
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        Map<String, String> keys = ctx.keys();
        IngestQueue queue = new IngestQueue(Integer.parseInt(keys.get(IngestConfigKey.QUEUE_CAPACITY.shortKey())), metrics);
        ThrottledAlarms unknownUnitAlarms = new ThrottledAlarms(ctx.alarms(),
                TimeUnit.SECONDS.toMillis(ctx.config().integer(ConfigKey.BROKER_REFUSAL_ALARM_INTERVAL_S)), MAX_PENDING_ALARMS);
        client = session(ctx, keys, queue);
        sqlStore = new SqlBatchStore(ctx.database(), ctx.fleet());
        BatchStore store = storeDecorator.apply(sqlStore);
        feed = new ListenerFeed(ctx.listeners(), Integer.parseInt(keys.get(IngestConfigKey.LISTENERS_QUEUE_BATCHES.shortKey())), metrics,
                "ingest-listeners");
        writer = new IngestWriter(queue, new MessageDecoder(ctx.account(), Integer.parseInt(keys.get(IngestConfigKey.MAX_PAYLOAD_BYTES.shortKey()))),
                unitFilter(unknownUnitAlarms), store, client, feed, metrics,
                Integer.parseInt(keys.get(IngestConfigKey.BATCH_SIZE.shortKey())));
        writerThread = new Thread(writer, "ingest-writer");
        writerThread.start();

        double alarmRatio = Double.parseDouble(keys.get(IngestConfigKey.QUEUE_ALARM_RATIO.shortKey()));
        BacklogAlarm backlog = new BacklogAlarm("ingest.backlog", "the ingest queue", queue::depth, queue.capacity(), alarmRatio, ctx.alarms());
        BacklogAlarm listenerBacklog = new BacklogAlarm("ingest.listeners.backlog", "the stored batches waiting for the listeners",
                feed::depth, feed.capacity(), alarmRatio, ctx.alarms());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-checks");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(backlog::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(listenerBacklog::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> unknownUnitAlarms.flush(System.currentTimeMillis()), CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
        meters(ctx.meters(), queue, backlog, unknownUnitAlarms);
        listenerMeters(ctx.meters(), listenerBacklog);
    }

    /**
     * {@code broker.mode = rabbitmq}: a competing consumer on the cluster's quorum queue (several nodes
     * split the load); otherwise the one persistent MQTT session (embedded Artemis, external broker).
     */
    private IngestSession session(PartContext ctx, Map<String, String> keys, IngestQueue queue) throws Exception {
        BrokerLogin login = ctx.broker();
        if (!"rabbitmq".equals(ctx.config().get(ConfigKey.BROKER_MODE))) {
            InVmIngestClient.Subscriber broker = embedded;
            if (broker != null && Boolean.parseBoolean(keys.get(IngestConfigKey.IN_VM.shortKey()))) {
                // one batch being stored while the next arrives, as the MQTT subscriber's window
                int window = (int) Math.min(2L * Integer.parseInt(keys.get(IngestConfigKey.BATCH_SIZE.shortKey())), Integer.MAX_VALUE);
                return new InVmIngestClient(login, clientId(keys), ctx.account(), broker, window, queue, metrics, ctx.listeners());
            }
            return new MqttIngestClient(login.url(), clientId(keys), login.username(), login.password(), ctx.account(), queue, metrics,
                    ctx.listeners());
        }
        List<Address> nodes = HostPort.parseList(ctx.config().get(ConfigKey.BROKER_AMQP_ADDRESSES)).stream()
                .map(h -> new Address(h.host(), h.port())).toList();
        String node = ctx.config().get(ConfigKey.CLUSTER_NODE);
        AmqpIngestClient.Settings settings = new AmqpIngestClient.Settings(nodes, ctx.config().get(ConfigKey.BROKER_AMQP_VHOST),
                login.username(), login.password(), keys.get(IngestConfigKey.AMQP_QUEUE.shortKey()),
                Integer.parseInt(keys.get(IngestConfigKey.AMQP_PREFETCH.shortKey())),
                "egov-manager ingest " + (node.isEmpty() ? ProcessHandle.current().pid() : node));
        return new AmqpIngestClient(settings, ctx.account(), queue, metrics, ctx.listeners());
    }

    /** Subscribes (consumes): the broker delivers at once what waited for the manager. */
    @Override
    public void ready() throws Exception {
        client.start();
    }

    private void meters(Meters meters, IngestQueue queue, BacklogAlarm backlog, ThrottledAlarms unknownUnitAlarms) {
        meters.flag("ingest.connected", "1 while the manager's subscriber (MQTT session, or AMQP consumer) is connected", this::connected);
        meters.counter("ingest.received", "messages received from the broker", metrics.received::sum);
        meters.counter("ingest.stored", "messages stored", metrics.stored::sum);
        meters.counter("ingest.duplicates", "re-sent messages dropped by their message id", metrics.duplicates::sum);
        meters.counter("ingest.batches", "database transactions of the ingest writer", metrics.batches::sum);
        meters.counter("ingest.store-retries", "batches retried after a store error", metrics.storeRetries::sum);
        meters.gauge("ingest.queue.depth", "messages between receiver and writer", queue::depth);
        meters.gauge("ingest.queue.capacity", "bound of the ingest queue", queue::capacity);
        meters.gauge("ingest.queue.high-water", "deepest the ingest queue has been", queue::highWater);
        meters.counter("ingest.queue.full-waits", "times the receiver waited on a full queue, or a full in-VM window (back-pressure)", metrics.queueFullWaits::sum);
        meters.flag("ingest.queue.alarm", "1 while the ingest.backlog alarm is raised", backlog::isRaised);
        for (MalformedReason r : MalformedReason.values()) {
            meters.counter("ingest.malformed", "reason", r.label, "malformed messages by reason", () -> metrics.malformedCount(r));
        }
        meters.counter("ingest.connection-losses", "lost connections of the manager's subscriber", metrics.connectionLosses::sum);
        meters.gauge("ingest.unknown-unit.alarms.pending", "distinct ingest.unknown-unit alarms waiting for the next second",
                unknownUnitAlarms::pending);
        meters.counter("ingest.unknown-unit.alarms.suppressed", "ingest.unknown-unit alarms held back by the throttle",
                unknownUnitAlarms::suppressed);
        meters.counter("ingest.unknown-unit.alarms.dropped", "ingest.unknown-unit alarms dropped at the bound", unknownUnitAlarms::dropped);
    }

    private void listenerMeters(Meters meters, BacklogAlarm listenerBacklog) {
        meters.gauge("ingest.listeners.queue.depth", "stored batches waiting for the listeners", feed::depth);
        meters.gauge("ingest.listeners.queue.capacity", "bound of the listeners' queue, in batches", feed::capacity);
        meters.gauge("ingest.listeners.pending", "stored messages the listeners have not been told yet", feed::pendingMessages);
        meters.counter("ingest.listeners.queue.full-waits", "times the writer waited on a full listeners' queue (back-pressure)",
                metrics.listenerFullWaits::sum);
        meters.flag("ingest.listeners.queue.alarm", "1 while the ingest.listeners.backlog alarm is raised", listenerBacklog::isRaised);
    }

    /** Messages of an unknown unit (possible with an external broker) are refused and alarmed. */
    private UnitFilter unitFilter(ThrottledAlarms alarms) {
        return unit -> {
            KnownUnits.Check c = known.check(unit);
            if (c.known()) {
                return Optional.empty();
            }
            alarms.note("ingest/" + unit, new Alarm("ingest.unknown-unit", Alarm.Severity.MAJOR, "ingest",
                    "messages of unit " + unit + " refused: " + c.detail(), Map.of("unit", unit.toString(),
                    "reason", c.verdict().name().toLowerCase().replace('_', '-')), System.currentTimeMillis()));
            return Optional.of(c.detail());
        };
    }

    /** Whether the manager's subscriber is connected (the readiness check). */
    public boolean connected() {
        IngestSession c = client;
        return c != null && c.isConnected();
    }

    /** What ingestion counted (tests, benchmarks; {@code GET /metrics} has the same figures). */
    public IngestMetrics metrics() {
        return metrics;
    }

    /**
     * Publishes to boxes as the manager, on its session: for the other parts ({@code PartContext.messenger()}).
     * Usable once this part has started.
     */
    public BoxMessenger messenger() {
        return new BoxMessenger() {
            @Override
            public void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws Exception {
                session().publish(topic, payload, retained);
            }

            @Override
            public boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
                return session().publishAll(messages, timeout);
            }
        };
    }

    private IngestSession session() {
        IngestSession c = client;
        if (c == null) {
            throw new IllegalStateException("the ingest part has not started: no MQTT session to publish on");
        }
        return c;
    }

    /**
     * Stops the subscription, then the writer (what it holds unacknowledged stays with the broker) and its connection,
     * then tells the listeners what was stored, then the checks.
     */
    @Override
    public void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (writer != null) {
            writer.stop();
            writerThread.join(5000);
        }
        if (sqlStore != null) {
            sqlStore.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
