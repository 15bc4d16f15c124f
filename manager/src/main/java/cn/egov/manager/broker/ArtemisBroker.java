package cn.egov.manager.broker;

import cn.egov.api.text.LogSafe;
import cn.egov.rules.unit.UnitCode;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.utils.CertificateUtil;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnection;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache ActiveMQ Artemis embedded, speaking MQTT 3.1.1 only (what Kura embeds; chosen over HiveMQ CE
 * by the no-loss test, see {@code bench/RESULTS.md}).
 *
 * <ul>
 *   <li>Persistence: journal, bindings, paging and large messages under {@code <data dir>/broker}
 *       (NIO journal, no libaio needed); QoS 1 messages survive a restart.</li>
 *   <li>No-loss bound: undelivered messages are held in memory up to {@code maxBytes}
 *       ({@code broker.queue.max-bytes}, or a quarter of the heap if less) and paged to disk beyond it ({@code PAGE} policy, nothing
 *       dropped); only when the disk is 95% full does the broker stop reading publishers, which then
 *       keep the messages in their durable outbox. {@link #backlogBytes()} is the metric.</li>
 *   <li>Set aside, not dropped: a message Artemis gives up delivering (after its delivery attempts)
 *       goes to {@link #DEAD_LETTER}, one that expired before delivery (an MQTT 5 expiry interval)
 *       to {@link #EXPIRED}: each one queue that keeps the newest {@link #SET_ASIDE_BOUND} messages
 *       (a ring: a newer one replaces the oldest, counted) for an operator to look at.
 *       {@link #setAside(SetAside)} is the metric, and the manager alarms while one holds any. Without
 *       them Artemis dropped such a message, and warned at every start that it would
 *       (AMQ222165, AMQ222166, for each queue it created).</li>
 *   <li>Listeners ({@link Listener}), each its own Artemis security domain: the internal one on
 *       loopback for the manager's subscriber (always), TLS for boxes, NOC (TLS, read-only) and the
 *       lab's plain one, each only when configured. Every CONNECT goes to the {@link ConnectGate}
 *       with the listener it came in on; nobody gets in anonymously.</li>
 *   <li>Why the manager's own subscriber uses a loopback listener and not Artemis's in-VM
 *       connector: the in-VM acceptor carries Artemis's core protocol only (MQTT needs a Netty
 *       acceptor), and Paho has socket transports only. A Netty acceptor with {@code useInvm}
 *       (a Netty local channel) would need a hand-made Paho network module, and its unbounded
 *       in-memory buffer would take away the back-pressure a socket gives: Artemis would push a
 *       backlog of gigabytes into the manager's heap instead of paging it. So: loopback, a
 *       secret made fresh at each start that never leaves the process, and the manager's client id
 *       reserved to that listener.</li>
 *   <li>Topic ACL ({@link TopicAcl}): a box publishes only under its own unit code and never on
 *       control request topics, and subscribes only inside its own control namespace; a NOC client
 *       subscribes to the account's topics and {@code $EDC/...} and never publishes. Publishes and
 *       last wills are judged by an MQTT interceptor before Artemis handles them, so a refusal is one
 *       log line of ours, not a stack trace of Artemis's. Authorisation is not cached. Judged once:
 *       Artemis runs every packet that decodes through the interceptor before it handles it, and the
 *       only message a client makes the broker store without a PUBLISH packet is its last will, whose
 *       topic the interceptor judged at CONNECT (it cannot change afterwards). A second check where
 *       Artemis stores the message (a broker plugin) would judge each message again and make
 *       Artemis call every plugin hook (route, send, deliver, acknowledge) for two plugins instead of
 *       one (bench/RESULTS.md, brk).</li>
 * </ul>
 */
public final class ArtemisBroker implements MqttBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisBroker.class);
    /** Share of the disk at which Artemis stops accepting messages (blocks publishers; no drop). */
    private static final int MAX_DISK_USAGE_PERCENT = 95;
    /**
     * How long a new connection may take to send its first bytes before Artemis drops it. Its
     * default of 10 s dropped ~2,000 boxes of a 10,000-box connect storm on a busy 2-core host (the
     * accepting threads were late, not the boxes), each then back off and came again; a client that
     * connects and sends nothing still goes after this.
     */
    private static final int HANDSHAKE_TIMEOUT_S = 30;
    /**
     * QoS 1 messages Artemis sends the manager's subscriber before it waits for their PUBACKs. MQTT
     * 3.1.1 has no receive maximum, so Artemis's default is 65,535; each PUBACK is looked up by a
     * scan of the consumer's in-flight list, and with tens of thousands in flight that scan took
     * 40 % of the CPU of a storm (bench/RESULTS.md, fleet). Two of the ingest writer's batches
     * (2,000 each by default): one being stored while the next arrives.
     */
    private static final int SUBSCRIBER_WINDOW = 4_000;
    /**
     * Undelivered messages may fill at most this share (1/N) of the JVM's heap before Artemis pages
     * them to disk, whatever {@code broker.queue.max-bytes} says. The rest is for the connections
     * (10,000 boxes' sessions and buffers), the ingest queue and the store. With the 2 GB default
     * and a 1 GB heap, a 1,000,000-message storm filled the heap at ~335,000 messages and the
     * manager spent its time in full GCs, acknowledging nothing (bench/RESULTS.md, storm3).
     */
    static final int HEAP_SHARE_DIVISOR = 4;
    /** Artemis's own queues (MQTT session state): not a backlog of messages for anyone. */
    private static final String INTERNAL_ADDRESS_PREFIX = "$sys.";
    /**
     * The addresses (and queues) of messages set aside, not a backlog of messages for anyone either.
     * The {@code $} keeps them out of every topic filter the ACL lets a box or the NOC subscribe to
     * (those start with the account or {@code $EDC}).
     */
    private static final String SET_ASIDE_PREFIX = "$egov.";
    /** Where Artemis puts a message it gave up delivering (its delivery attempts spent). */
    static final String DEAD_LETTER = SET_ASIDE_PREFIX + "dead-letter";
    /** Where Artemis puts a message that expired before it was delivered. */
    static final String EXPIRED = SET_ASIDE_PREFIX + "expired";
    /**
     * Messages each set-aside queue keeps, the newest: enough to see what failed and for whom
     * without letting a broken consumer fill the disk with the same failure.
     */
    public static final long SET_ASIDE_BOUND = 1_000;
    /** MQTT's own bound on a packet's remaining length (a four-byte variable-length integer). */
    public static final int MQTT_MAX_PACKET_BYTES = 268_435_455;
    /**
     * Largest MQTT packet (after its fixed header: topic and payload) a box or NOC client may send
     * ({@code broker.max-packet-bytes}): the ingest's largest payload ({@code ingest.max-payload-bytes},
     * 4 MiB) and room for the topic. Artemis's own bound is MQTT's, 256 MB, buffered in memory.
     */
    public static final int DEFAULT_MAX_PACKET_BYTES = 4 * 1024 * 1024 + 64 * 1024;
    /** Connections the boxes' listener holds by default: a province's 10,000 boxes twice over (reconnects overlap). */
    public static final int DEFAULT_MAX_BOX_CONNECTIONS = 20_000;
    /** Connections the NOC's listener holds by default: its operators' consoles and tools. */
    public static final int DEFAULT_MAX_NOC_CONNECTIONS = 64;
    private static final String LOOPBACK = "127.0.0.1";
    private static final int CLUSTER_SECRET_BYTES = 32;

    /** A listener to open: where, and over TLS or not. */
    private record Endpoint(String host, int port, TlsAcceptor tls, boolean clientCertificate) {
    }

    private final Path dataDir;
    private final long maxBytes;
    private final TopicAcl acl;
    private final ConnectGate gate;
    private final RefusalLog refusals;
    private final LongAdder aclRefusals = new LongAdder();
    private final WildcardConfiguration wildcards = new WildcardConfiguration();
    private final Map<Listener, Endpoint> endpoints = new EnumMap<>(Listener.class);
    /** Read on Netty threads while {@link #open()} adds to it. */
    private final Map<Listener, Integer> ports = new ConcurrentHashMap<>();
    private JournalSettings journal = JournalSettings.DEFAULT;
    private int maxPacketBytes = DEFAULT_MAX_PACKET_BYTES;
    private int maxBoxConnections = DEFAULT_MAX_BOX_CONNECTIONS;
    private int maxNocConnections = DEFAULT_MAX_NOC_CONNECTIONS;
    private final LongAdder oversize = new LongAdder();
    private Consumer<OversizePacket> onOversize = p -> { };
    private ActiveMQServer server;

    /**
     * How the journal makes a message durable before its PUBACK. {@code bufferTimeoutNs}: how long
     * writes gather before one sync (every message waiting in that time shares it); {@code sync}
     * false acknowledges before the disk has the message (not durable: benchmarks only).
     */
    public record JournalSettings(JournalType type, int bufferTimeoutNs, boolean sync) {
        /** Artemis's defaults for a NIO journal: a sync at most every 3.33 ms. */
        public static final JournalSettings DEFAULT = new JournalSettings(JournalType.NIO, 3_333_333, true);

        /** {@code TYPE:TIMEOUT_US[:nosync]}, e.g. {@code MAPPED:1000}. */
        public static JournalSettings parse(String text) {
            String[] f = text.split(":");
            return new JournalSettings(JournalType.valueOf(f[0]), Integer.parseInt(f[1]) * 1000, !(f.length > 2 && f[2].equals("nosync")));
        }
    }

    /** Sets the journal's settings; call before {@link #start()}. */
    public ArtemisBroker journal(JournalSettings settings) {
        this.journal = settings;
        return this;
    }

    /**
     * Sets the largest packet a client of a listener other than the internal one may send (the
     * manager's own publishes, policy bundles among them, are not bounded here), and who is told
     * of each refused one; call before {@link #start()}.
     */
    public ArtemisBroker maxPacketBytes(int bytes, Consumer<OversizePacket> refused) {
        this.maxPacketBytes = bytes;
        this.onOversize = refused;
        return this;
    }

    /**
     * Sets how many connections the boxes' listeners (TLS, and the lab's plain one) and the NOC's
     * listener each hold at most; Artemis closes a further one at once (acceptor parameter
     * {@code connectionsAllowed}), before it is read, so a flood of sockets or half-sent CONNECTs
     * holds bounded memory. The internal listener is the manager's own. Call before {@link #start()}.
     */
    public ArtemisBroker maxConnections(int boxes, int noc) {
        this.maxBoxConnections = boxes;
        this.maxNocConnections = noc;
        return this;
    }

    /** The bound on {@code l}'s open connections (none for the internal listener: -1). */
    public int maxConnections(Listener l) {
        return switch (l) {
            case INTERNAL -> -1;
            case NOC -> maxNocConnections;
            case TLS, PLAIN -> maxBoxConnections;
        };
    }

    /** Open connections of one listener (0 when it does not listen). */
    public int connections(Listener l) {
        if (server == null || !endpoints.containsKey(l) || server.getRemotingService().getAcceptor(l.domain) == null) {
            return 0;
        }
        return ((NettyAcceptor) server.getRemotingService().getAcceptor(l.domain)).getConnections().size();
    }

    /** True when {@code l} was configured ({@link #listenTls}, {@link #listenNoc}, {@link #listenPlain}). */
    public boolean listens(Listener l) {
        return endpoints.containsKey(l);
    }

    /** Packets refused unread for their size ({@link #maxPacketBytes}), their connections closed. */
    public long oversizePackets() {
        return oversize.sum();
    }

    /**
     * @param gate     decides every CONNECT (the manager's is {@link IdentityGate})
     * @param refusals counts, logs and passes on refused connections
     */
    public ArtemisBroker(Path dataDir, long maxBytes, TopicAcl acl, ConnectGate gate, RefusalLog refusals) {
        this.dataDir = dataDir;
        this.maxBytes = inMemoryBound(maxBytes, Runtime.getRuntime().maxMemory());
        if (this.maxBytes < maxBytes) {
            LOG.info("broker: undelivered messages are paged to disk beyond {} bytes (1/{} of the heap), below broker.queue.max-bytes ({})",
                    this.maxBytes, HEAP_SHARE_DIVISOR, maxBytes);
        }
        this.acl = acl;
        this.gate = gate;
        this.refusals = refusals;
        endpoints.put(Listener.INTERNAL, new Endpoint(LOOPBACK, 0, null, false));
    }

    /** Bytes of undelivered messages held in memory before paging: the configured bound, or a share of the heap if that is less. */
    static long inMemoryBound(long configured, long maxHeap) {
        return Math.min(configured, maxHeap / HEAP_SHARE_DIVISOR);
    }

    /** Adds the unencrypted lab listener (port 0 = a free port); call before {@link #start()}. */
    public ArtemisBroker listenPlain(String host, int port) {
        endpoints.put(Listener.PLAIN, new Endpoint(host, port, null, false));
        return this;
    }

    /** Adds the boxes' MQTT-over-TLS listener (client certificate required); call before {@link #start()}. */
    public ArtemisBroker listenTls(TlsAcceptor tls) {
        endpoints.put(Listener.TLS, new Endpoint(tls.host(), tls.port(), tls, true));
        return this;
    }

    /** Adds the NOC's listener: TLS with the same server certificate, user and password instead of a client certificate. */
    public ArtemisBroker listenNoc(TlsAcceptor tls, int port) {
        endpoints.put(Listener.NOC, new Endpoint(tls.host(), port, tls, false));
        return this;
    }

    /**
     * Starts the broker with only the internal listener open: the manager's subscriber connects and
     * the rest of the manager starts before any box or operator can ({@link #open()}).
     */
    @Override
    public void start() throws Exception {
        Path dir = dataDir.resolve("broker");
        Configuration cfg = new ConfigurationImpl()
                .setName("egov-manager-broker")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .setJournalType(journal.type())
                .setJournalBufferTimeout_NIO(journal.bufferTimeoutNs())
                .setJournalSyncNonTransactional(journal.sync())
                .setJournalSyncTransactional(journal.sync())
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setGlobalMaxSize(maxBytes)
                .setMaxDiskUsage(MAX_DISK_USAGE_PERCENT)
                .setCriticalAnalyzer(false)
                // no MQTT session-state store (ARTEMIS-5499, 2.42): with it Artemis wrote a record, and
                // under 2.38 waited for it, at every CONNECT and removed it by a scan at every disconnect,
                // under the store's one lock (bench/RESULTS.md, fleet). Nobody here needs it: boxes use
                // clean sessions, and the manager's subscriber subscribes again at every connect, which
                // finds its durable subscription queues, and the messages in them, by name.
                .setMqttSubscriptionPersistenceEnabled(false)
                // Artemis announces every session it opens and closes (two per MQTT connection) under one global
                // lock, as a message; a 10,000-box connect storm queued ~1,000 threads on it. Its MQTT side reads
                // them only to steal a client id back from another node of a cluster, and there is none here.
                .setSuppressSessionNotifications(true)
                // no cached logins: a revoked certificate or another client id must be refused at the next CONNECT
                .setAuthenticationCacheSize(0)
                // nor cached grants: they are keyed by user name, and the identity is what counts
                .setAuthorizationCacheSize(0)
                // Artemis lets its cluster user bypass authentication and authorisation; its default
                // password is public ("CHANGE ME!!"). No cluster here: a random secret nobody knows.
                .setClusterUser("cluster-" + randomHex())
                .setClusterPassword(randomHex());
        for (Map.Entry<Listener, Endpoint> e : endpoints.entrySet()) {
            cfg.addAcceptorConfiguration(acceptor(e.getKey(), e.getValue()));
        }
        cfg.addAddressSetting("#", new AddressSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER)).setExpiryAddress(SimpleString.of(EXPIRED)));
        for (SetAside a : SetAside.values()) {
            cfg.addQueueConfiguration(QueueConfiguration.of(a.address).setAddress(a.address).setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true).setRingSize(SET_ASIDE_BOUND));
        }
        cfg.registerBrokerPlugin(new PublishOrderPlugin()); // per-client publish order
        server = ActiveMQServers.newActiveMQServer(cfg, null, new SecurityBridge(), true);
        server.addProtocolManagerFactory(new MqttPacketLimit(p -> {
            oversize.increment();
            LOG.warn("broker: closed the connection from {} on the {} listener: {} (broker.max-packet-bytes = {})",
                    p.remote(), p.listener(), p.detail(), maxPacketBytes);
            onOversize.accept(p);
        }));
        server.start();
        if (!server.isActive()) {
            throw new IllegalStateException("Artemis did not become active; see the log");
        }
        // the acceptors do not start with the server (autoStart=false): the interceptor is in place first
        server.getRemotingService().addIncomingInterceptor(new Guard());
        startAcceptor(Listener.INTERNAL);
        LOG.info("embedded MQTT broker (Artemis) with data in {}; the manager's internal listener on {}", dir, internalUrl());
    }

    /** Opens the listeners for boxes and operators. */
    public void open() throws Exception {
        for (Listener l : endpoints.keySet()) {
            if (l != Listener.INTERNAL) {
                startAcceptor(l);
                LOG.info("MQTT listener '{}' open on {}", l.domain, url(l));
            }
        }
    }

    /**
     * Closes the listeners of boxes and operators, keeping the manager's own: the first step of
     * stopping, so that the rest of the manager stops without a fleet still publishing into it
     * (what boxes had not got a PUBACK for stays in their outboxes).
     */
    public void closeListeners() throws Exception {
        for (Listener l : endpoints.keySet()) {
            if (l != Listener.INTERNAL && ports.remove(l) != null) {
                server.getRemotingService().getAcceptor(l.domain).stop();
                LOG.info("MQTT listener '{}' closed", l.domain);
            }
        }
    }

    private void startAcceptor(Listener l) throws Exception {
        NettyAcceptor a = (NettyAcceptor) server.getRemotingService().getAcceptor(l.domain);
        a.start();
        ports.put(l, a.getActualPort());
    }

    private TransportConfiguration acceptor(Listener listener, Endpoint e) {
        Map<String, Object> p = new HashMap<>();
        p.put(TransportConstants.HOST_PROP_NAME, e.host());
        p.put(TransportConstants.PORT_PROP_NAME, e.port());
        p.put(TransportConstants.PROTOCOLS_PROP_NAME, "MQTT");
        p.put(TransportConstants.AUTO_START, false);
        p.put(TransportConstants.HANDSHAKE_TIMEOUT, HANDSHAKE_TIMEOUT_S);
        // the MQTT protocol manager of this acceptor hands its domain to every authentication
        p.put("securityDomain", listener.domain);
        if (listener == Listener.INTERNAL) {
            p.put("defaultMaximumInFlightPublishMessages", SUBSCRIBER_WINDOW);
        } else {
            // Artemis's own property (announced to MQTT 5 clients); MqttPacketLimit makes its decoder keep it for 3.1.1
            p.put("maximumPacketSize", maxPacketBytes);
            p.put(TransportConstants.CONNECTIONS_ALLOWED, maxConnections(listener));
        }
        TlsAcceptor t = e.tls();
        if (t != null) {
            p.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            p.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
            p.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, t.keyStore().toString());
            p.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, t.keyStorePassword());
            if (e.clientCertificate()) {
                p.put(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, true);
                p.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
                p.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, t.trustStore().toString());
                p.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, t.trustStorePassword());
            }
        }
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), p, listener.domain);
    }

    private static String randomHex() {
        byte[] b = new byte[CLUSTER_SECRET_BYTES];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The URL of a listener once started, or null when it is not configured or not open yet. */
    public String url(Listener l) {
        Endpoint e = endpoints.get(l);
        Integer port = ports.get(l);
        if (e == null || port == null) {
            return null;
        }
        return (e.tls() == null ? "tcp://" : "ssl://") + e.host() + ":" + port;
    }

    /**
     * Opens the manager's durable subscription of {@code clientId} to {@code filters} inside this JVM
     * ({@link InternalSubscription}: the same queues an MQTT subscription has, no socket, no MQTT).
     */
    public InternalSubscription subscribeInternal(String clientId, List<String> filters, int window,
                                                  InternalSubscription.Sink sink) throws Exception {
        return InternalSubscription.open(server, wildcards, clientId, filters, window, sink);
    }

    /** The manager's own listener (loopback; only the internal user). */
    public String internalUrl() {
        return url(Listener.INTERNAL);
    }

    /** The lab's plain listener, or null. */
    public String plainUrl() {
        return url(Listener.PLAIN);
    }

    /** The boxes' TLS listener, or null. */
    public String tlsUrl() {
        return url(Listener.TLS);
    }

    /** The NOC's listener, or null. */
    public String nocUrl() {
        return url(Listener.NOC);
    }

    @Override
    public long backlogBytes() {
        return server == null ? 0 : server.getPagingManager().getGlobalSize();
    }

    @Override
    public long backlogMessages() {
        if (server == null) {
            return 0;
        }
        return server.getPostOffice().getAllBindings()
                .filter(b -> b instanceof QueueBinding && !b.getAddress().toString().startsWith(INTERNAL_ADDRESS_PREFIX)
                        && !b.getAddress().toString().startsWith(SET_ASIDE_PREFIX))
                .mapToLong(b -> ((QueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    /** The two places messages are set aside (see the class comment). */
    public enum SetAside {
        DEAD_LETTER(ArtemisBroker.DEAD_LETTER, "dead-letter"),
        EXPIRED(ArtemisBroker.EXPIRED, "expired");

        final String address;
        /** The name in meters and alarms: {@code broker.<label>}. */
        public final String label;

        SetAside(String address, String label) {
            this.address = address;
            this.label = label;
        }

        /** The kind of the alarm raised while messages are held here: {@code broker.dead-letter}, {@code broker.expired}. */
        public String alarmKind() {
            return "broker." + label;
        }
    }

    /** What a set-aside queue holds now, and how many older messages newer ones replaced at its bound. */
    public record SetAsideCount(long held, long replaced) {
    }

    /** The messages set aside in {@code where}. */
    public SetAsideCount setAside(SetAside where) {
        Queue q = queue(where);
        return q == null ? new SetAsideCount(0, 0) : new SetAsideCount(q.getMessageCount(), q.getMessagesReplaced());
    }

    /**
     * One message set aside: what an operator needs to find its sender and decide (the topic names the box).
     *
     * @param topic the MQTT topic it was published to
     * @param bytes its size as the broker stores it
     * @param at    when the broker received it
     */
    public record SetAsideMessage(long id, String topic, long bytes, Instant at) {
    }

    /** The oldest {@code limit} messages in {@code where}, oldest first. */
    public List<SetAsideMessage> setAsideMessages(SetAside where, int limit) {
        Queue q = queue(where);
        List<SetAsideMessage> out = new ArrayList<>();
        if (q == null) {
            return out;
        }
        try (LinkedListIterator<MessageReference> it = q.browserIterator()) {
            while (it.hasNext() && out.size() < limit) {
                Message m = it.next().getMessage();
                String original = m.getAnnotationString(Message.HDR_ORIGINAL_ADDRESS);
                String topic = original == null ? "" : MQTTUtil.getMqttTopicFromCoreAddress(original, wildcards);
                out.add(new SetAsideMessage(m.getMessageID(), topic, m.getWholeMessageSize(), Instant.ofEpochMilli(m.getTimestamp())));
            }
        }
        return out;
    }

    /** Deletes every message in {@code where} (an operator has looked at them); how many. The alarm clears at its next check. */
    public int purge(SetAside where) throws Exception {
        Queue q = queue(where);
        return q == null ? 0 : q.deleteAllReferences();
    }

    private Queue queue(SetAside where) {
        return server == null ? null : server.locateQueue(where.address);
    }

    /** Messages waiting in the queues of one client's subscriptions (MQTT queue names start with the client id). */
    public long backlogMessages(String clientId) {
        return subscriptionQueues(clientId).stream().mapToLong(Queue::getMessageCount).sum();
    }

    /** The queues of one client's subscriptions (to set messages aside from, in a test, as Artemis does when it gives up). */
    List<Queue> subscriptionQueues(String clientId) {
        return server.getPostOffice().getAllBindings()
                .filter(b -> b instanceof QueueBinding && b.getUniqueName().toString().startsWith(clientId + "."))
                .map(b -> ((QueueBinding) b).getQueue())
                .toList();
    }

    /** Consumers on the queues of one client's subscriptions (an MQTT session's, or the in-VM subscription's). */
    int consumers(String clientId) {
        return server.getPostOffice().getAllBindings()
                .filter(b -> b instanceof QueueBinding && b.getUniqueName().toString().startsWith(clientId + "."))
                .mapToInt(b -> ((QueueBinding) b).getQueue().getConsumerCount())
                .sum();
    }

    /** Records in Artemis's MQTT session-state store (none: subscription persistence is off; a store a 2.38 data directory left is not read). */
    long sessionStoreRecords() {
        Queue store = server.locateQueue(MQTTUtil.MQTT_SESSION_STORE);
        return store == null ? 0 : store.getMessageCount();
    }

    /** Client connections on all listeners (the manager's own included). */
    public int connections() {
        return server == null ? 0 : server.getRemotingService().getConnections().size();
    }

    /**
     * Judges every open connection again by what it logged in with, and closes those the gate now
     * refuses (a revoked certificate, a password line removed or changed, a unit no longer admitted):
     * a withdrawn credential takes effect at once, not at the client's next CONNECT
     * ({@link CredentialWatch} calls this when something they depend on changed).
     *
     * @return how many connections were closed
     */
    public int closeWithdrawn() {
        if (server == null) {
            return 0;
        }
        int closed = 0;
        for (RemotingConnection c : server.getRemotingService().getConnections()) {
            Subject subject = c.getSubject();
            Login login = subject == null ? null
                    : subject.getPrivateCredentials(Login.class).stream().findFirst().orElse(null);
            if (login == null || login.listener() == Listener.INTERNAL) {
                continue; // not logged in yet (its CONNECT is judged anyway), or the manager's own subscriber
            }
            if (gate.decide(login.listener(), login.credentials()) instanceof Verdict.Refused r) {
                refusals.record(new RefusalLog.Refused(login.listener(), c.getRemoteAddress(), c.getClientID(),
                        login.credentials().username(), r, serialOf(c)));
                c.fail(new ActiveMQSecurityException("credentials withdrawn: " + r.detail()));
                closed++;
            }
        }
        return closed;
    }

    /** What a connection logged in with, kept in its subject. */
    private record Login(Listener listener, ClientCredentials credentials) {
    }

    @Override
    public long aclRefusals() {
        return aclRefusals.sum();
    }

    @Override
    public RefusalLog refusals() {
        return refusals;
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private Listener listenerOf(RemotingConnection connection) {
        if (connection != null && connection.getTransportConnection() instanceof NettyConnection n
                && n.getChannel().localAddress() instanceof InetSocketAddress local) {
            for (Map.Entry<Listener, Integer> e : ports.entrySet()) {
                if (e.getValue() == local.getPort()) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /** Read at every PUBLISH: walks the subject's principals in place (getPrincipals(Class) copies them into a new set). */
    private static Optional<ClientIdentity> identityOf(Subject subject) {
        if (subject != null) {
            for (java.security.Principal p : subject.getPrincipals()) {
                if (p instanceof ClientIdentity who) {
                    return Optional.of(who);
                }
            }
        }
        return Optional.empty();
    }

    private boolean mayPublish(RemotingConnection connection, String topic) {
        Optional<ClientIdentity> who = identityOf(connection == null ? null : connection.getSubject());
        if (who.isEmpty()) {
            return false;
        }
        return switch (who.get().role()) {
            case MANAGER -> true;
            case BOX -> acl.mayPublish(who.get().name(), topic);
            case NOC -> false;
        };
    }

    private void refusePublish(RemotingConnection connection, String topic) {
        aclRefusals.increment();
        String who = identityOf(connection.getSubject()).map(i -> i.role() + " " + i.name()).orElse("unauthenticated");
        LOG.warn("refused publish by client '{}' ({}) on topic '{}': a box publishes only under its own unit code and never on"
                        + " control request topics; a NOC client never publishes", LogSafe.of(connection.getClientID()), LogSafe.of(who),
                LogSafe.of(topic));
    }

    /**
     * Judges packets before Artemis does. CONNECT: a last will must be on a topic the client could
     * publish on itself, and only boxes and the manager keep persistent sessions (a NOC client that
     * went away would otherwise collect every message in the broker). PUBLISH: the topic ACL.
     * Returning false makes Artemis close the connection and log at debug level only.
     */
    private final class Guard implements MQTTInterceptor {
        @Override
        public boolean intercept(MqttMessage packet, RemotingConnection connection) {
            if (packet instanceof MqttConnectMessage connect) {
                return connectAllowed(connect, connection);
            }
            if (packet instanceof MqttPublishMessage publish) {
                String topic = publish.variableHeader().topicName();
                if (!mayPublish(connection, topic)) {
                    refusePublish(connection, topic);
                    return false;
                }
            }
            return true;
        }

        private boolean connectAllowed(MqttConnectMessage connect, RemotingConnection connection) {
            Listener listener = listenerOf(connection);
            if (listener == Listener.INTERNAL) {
                return true; // the manager's user, checked next by the gate like every client
            }
            String clientId = connect.payload().clientIdentifier();
            boolean box = clientId != null && UnitCode.isValid(clientId);
            Verdict.Refused refused = null;
            if (connect.variableHeader().isWillFlag()) {
                String will = connect.payload().willTopic();
                if (!box || !acl.mayPublish(clientId, will)) {
                    refused = new Verdict.Refused(ConnectRefusal.FORBIDDEN_WILL, "last will on '" + will + "'");
                }
            } else if (!connect.variableHeader().isCleanSession() && !box) {
                refused = new Verdict.Refused(ConnectRefusal.PERSISTENT_SESSION, "only boxes keep sessions (cleanSession=false)");
            }
            if (refused == null) {
                return true;
            }
            refusals.record(new RefusalLog.Refused(listener, connection.getRemoteAddress(),
                    clientId, connect.payload().userName(), refused, serialOf(connection)));
            if (connection.getTransportConnection() instanceof NettyConnection n) {
                // the CONNACK a refused login gets; Artemis closes the connection after this interceptor says no
                n.getChannel().writeAndFlush(MqttMessageBuilders.connAck()
                        .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED).sessionPresent(false).build());
            }
            return false;
        }
    }

    /** The serial (hex) of the client certificate of {@code connection}, or null. */
    private static String serialOf(RemotingConnection connection) {
        java.security.cert.X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        return chain == null || chain.length == 0 ? null : chain[0].getSerialNumber().toString(16);
    }

    /** Artemis's security SPI: CONNECT goes to the {@link ConnectGate}, subscriptions to the topic ACL. */
    private final class SecurityBridge implements ActiveMQSecurityManager5 {
        @Override
        public Subject authenticate(String user, String password, RemotingConnection connection, String domain) {
            Subject known = connection == null ? null : connection.getSubject();
            if (known != null && identityOf(known).isPresent()) {
                // Artemis asks again at every PUBLISH and address creation of a connection (authorisation wants the
                // subject, and its cache is off: above); the connection's CONNECT decided who it is. Judging again
                // cost a PBKDF2 of the password (or a CA-register lookup) per message: most of a storm's CPU.
                // A revocation or a withdrawn password closes the open connection itself (closeWithdrawn, CredentialWatch).
                return known;
            }
            java.security.cert.X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
            String clientId = connection == null ? null : connection.getClientID();
            ClientCredentials c = new ClientCredentials(clientId, user, password, chain == null ? null : Arrays.asList(chain));
            Optional<Listener> listener = Listener.ofDomain(domain);
            Verdict v = listener.isPresent() ? gate.decide(listener.get(), c)
                    : Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "unknown listener '" + domain + "'");
            if (v instanceof Verdict.Refused r) {
                refusals.record(new RefusalLog.Refused(listener.orElse(null),
                        connection == null ? "?" : connection.getRemoteAddress(), clientId, user, r,
                        chain == null || chain.length == 0 ? null : chain[0].getSerialNumber().toString(16)));
                // Refused by returning null, Artemis would log a warning of its own with the client's user name
                // unescaped; its MQTT CONNECT answers this exception with CONNACK 5 (not authorised) and logs nothing.
                // The SPI does not declare it, so it goes out unchecked.
                throw Unchecked.of(new ActiveMQSecurityException("not authorised"));
            }
            ClientIdentity who = ((Verdict.Accepted) v).identity();
            Subject s = new Subject();
            s.getPrincipals().add(new UserPrincipal(who.name())); // Artemis takes the validated user from it
            s.getPrincipals().add(who);
            s.getPrivateCredentials().add(new Login(listener.get(), c)); // to judge the connection again (closeWithdrawn)
            return s;
        }

        @Override
        public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
            // publishes: the interceptor (it sees the packet); here: subscriptions, which create and consume queues
            if (checkType != CheckType.CONSUME && checkType != CheckType.BROWSE
                    && checkType != CheckType.CREATE_NON_DURABLE_QUEUE && checkType != CheckType.CREATE_DURABLE_QUEUE) {
                return true;
            }
            Optional<ClientIdentity> who = identityOf(subject);
            if (who.isEmpty()) {
                return false;
            }
            if (who.get().role() == ClientRole.MANAGER) {
                return true;
            }
            String core = address == null ? "" : address;
            int fqqn = core.indexOf("::");
            if (fqqn >= 0) {
                core = core.substring(0, fqqn); // address::queue
            }
            String filter = MQTTUtil.getMqttTopicFromCoreAddress(core, wildcards);
            boolean ok = who.get().role() == ClientRole.BOX ? acl.maySubscribe(who.get().name(), filter) : acl.nocMaySubscribe(filter);
            if (ok) {
                return true;
            }
            if (checkType == CheckType.CREATE_NON_DURABLE_QUEUE || checkType == CheckType.CREATE_DURABLE_QUEUE) {
                aclRefusals.increment(); // counted once per SUBSCRIBE (queue creation comes first)
                LOG.warn("refused subscription by {} '{}' to '{}': a box subscribes only inside its own control namespace,"
                        + " a NOC client only to the account's and $EDC topics", who.get().role(), LogSafe.of(who.get().name()),
                        LogSafe.of(filter));
            }
            return false;
        }

        @Override
        public boolean validateUser(String user, String password) {
            return false; // Artemis calls authenticate() (security manager 5) instead
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return false;
        }
    }

    /** Throws a checked exception where a signature does not declare it (see {@link SecurityBridge#authenticate}). */
    private static final class Unchecked {
        private Unchecked() {
        }

        static RuntimeException of(Exception e) {
            Unchecked.<RuntimeException>raise(e);
            return new IllegalStateException("unreachable");
        }

        @SuppressWarnings("unchecked")
        private static <T extends Exception> void raise(Exception e) throws T {
            throw (T) e;
        }
    }
}
