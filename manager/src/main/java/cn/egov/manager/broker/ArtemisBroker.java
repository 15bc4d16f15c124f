package cn.egov.manager.broker;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.core.remoting.CertificateUtil;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
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
 *       ({@code broker.queue.max-bytes}) and paged to disk beyond it ({@code PAGE} policy, nothing
 *       dropped); only when the disk is 95% full does the broker stop reading publishers, which then
 *       keep the messages in their durable outbox. {@link #backlogBytes()} is the metric.</li>
 *   <li>Security: every CONNECT goes through a {@link ClientAuthenticator} (the TLS seam); every
 *       publish and every subscription through the {@link TopicAcl} (a box publishes only under its
 *       own client id and never on control request topics, and subscribes only inside its own
 *       control namespace). Authorisation is not cached: boxes may share a user name.</li>
 *   <li>TLS (optional, {@link #enableTls}): a second MQTT listener requiring a client certificate of
 *       the trust store's CAs; its clients go to the listener's own authenticator, with the chain.</li>
 * </ul>
 */
public final class ArtemisBroker implements MqttBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisBroker.class);
    /** Share of the disk at which Artemis stops accepting messages (blocks publishers; no drop). */
    private static final int MAX_DISK_USAGE_PERCENT = 95;
    /** Artemis's default of 5 s failed CONNECTs when 50 boxes connected at once on a busy 2-core host. */
    private static final long SESSION_STATE_TIMEOUT_MS = 60_000;
    /** Artemis's own queues (MQTT session state): not a backlog of messages for anyone. */
    private static final String INTERNAL_ADDRESS_PREFIX = "$sys.";

    private final String host;
    private final int port;
    private final Path dataDir;
    private final long maxBytes;
    private final ClientAuthenticator authenticator;
    private final TopicAcl acl;
    private final LongAdder aclRefusals = new LongAdder();
    private final WildcardConfiguration wildcards = new WildcardConfiguration();
    private TlsAcceptor tls;
    private ActiveMQServer server;

    /**
     * @param port a port, already chosen (see {@link FreePort} for tests)
     */
    public ArtemisBroker(String host, int port, Path dataDir, long maxBytes, ClientAuthenticator authenticator, TopicAcl acl) {
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.maxBytes = maxBytes;
        this.authenticator = authenticator;
        this.acl = acl;
    }

    /** Adds the MQTT-over-TLS listener; call before {@link #start()}. */
    public ArtemisBroker enableTls(TlsAcceptor acceptor) {
        this.tls = acceptor;
        return this;
    }

    @Override
    public void start() throws Exception {
        Path dir = dataDir.resolve("broker");
        Configuration cfg = new ConfigurationImpl()
                .setName("egov-manager-broker")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setGlobalMaxSize(maxBytes)
                .setMaxDiskUsage(MAX_DISK_USAGE_PERCENT)
                .setCriticalAnalyzer(false)
                // a connect storm (every box after a backbone outage) must not time out storing session state
                .setMqttSessionStatePersistenceTimeout(SESSION_STATE_TIMEOUT_MS)
                // each CONNECT blocks a pool thread until its session state is stored, and the store's
                // completion needs a pool thread too: a bounded pool deadlocked in a 50-box connect storm
                .setThreadPoolMaxSize(-1)
                // no cached logins: a revoked certificate or another client id must be refused at the next CONNECT
                .setAuthenticationCacheSize(0)
                // nor cached grants: they are keyed by user name, which boxes on the plain listener may share
                .setAuthorizationCacheSize(0);
        cfg.addAcceptorConfiguration("mqtt", "tcp://" + host + ":" + port + "?protocols=MQTT");
        if (tls != null) {
            cfg.addAcceptorConfiguration(tlsAcceptorConfiguration(tls));
        }
        cfg.addAddressSetting("#", new AddressSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        cfg.registerBrokerPlugin(new PublishOrderPlugin()); // per-client publish order
        cfg.registerBrokerPlugin(new PublishAclPlugin());
        server = ActiveMQServers.newActiveMQServer(cfg, null, new SecurityBridge(), true);
        server.start();
        if (!server.isActive()) {
            throw new IllegalStateException("Artemis did not become active; see the log");
        }
        LOG.info("embedded MQTT broker (Artemis) on {} with data in {}", url(), dir);
    }

    private static TransportConfiguration tlsAcceptorConfiguration(TlsAcceptor t) {
        Map<String, Object> p = new HashMap<>();
        p.put(TransportConstants.HOST_PROP_NAME, t.host());
        p.put(TransportConstants.PORT_PROP_NAME, t.port());
        p.put(TransportConstants.PROTOCOLS_PROP_NAME, "MQTT");
        p.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        p.put(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, true);
        p.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
        p.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, t.keyStore().toString());
        p.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, t.keyStorePassword());
        p.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        p.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, t.trustStore().toString());
        p.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, t.trustStorePassword());
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), p, "mqtt-tls");
    }

    /** The TLS listener's URL, or null without one. */
    public String tlsUrl() {
        return tls == null ? null : tls.url();
    }

    @Override
    public String url() {
        return "tcp://" + host + ":" + port;
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
                .filter(b -> b instanceof QueueBinding && !b.getAddress().toString().startsWith(INTERNAL_ADDRESS_PREFIX))
                .mapToLong(b -> ((QueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    /** Messages waiting in the queues of one client's subscriptions (MQTT queue names start with the client id). */
    public long backlogMessages(String clientId) {
        return server.getPostOffice().getAllBindings()
                .filter(b -> b instanceof QueueBinding && b.getUniqueName().toString().startsWith(clientId + "."))
                .mapToLong(b -> ((QueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    @Override
    public long aclRefusals() {
        return aclRefusals.sum();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** Refuses publishes outside the client's own topics. */
    private final class PublishAclPlugin implements ActiveMQServerMessagePlugin {
        @Override
        public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
                throws ActiveMQSecurityException {
            RemotingConnection conn = session.getRemotingConnection();
            if (conn == null || message.getAddress() == null) {
                return;
            }
            String clientId = conn.getClientID();
            String topic = MQTTUtil.getMqttTopicFromCoreAddress(message.getAddress(), wildcards);
            boolean privileged = InternalClientGate.INTERNAL_USER.equals(session.getValidatedUser());
            if (privileged || acl.mayPublish(clientId, topic)) {
                return;
            }
            aclRefusals.increment();
            LOG.warn("refused publish by client '{}' on topic '{}': a box may publish only under its own client id,"
                    + " never on control request topics", clientId, topic);
            throw new ActiveMQSecurityException("client " + clientId + " may not publish on " + topic);
        }
    }

    /** The MQTT client id a session authenticated with; authorisation needs it and Artemis passes only the subject. */
    private record ClientIdPrincipal(String clientId) implements java.security.Principal {
        @Override
        public String getName() {
            return clientId;
        }
    }

    /** Artemis's security SPI, handing CONNECT to our {@link ClientAuthenticator}. */
    private final class SecurityBridge implements ActiveMQSecurityManager5 {
        @Override
        public Subject authenticate(String user, String password, RemotingConnection connection, String domain) {
            java.security.cert.X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
            ClientCredentials c = new ClientCredentials(connection == null ? null : connection.getClientID(), user, password,
                    chain == null ? null : Arrays.asList(chain));
            // a peer chain exists only on the TLS listener (needClientAuth): its authenticator decides
            ClientAuthenticator decider = tls != null && !c.peerChain().isEmpty() ? tls.certificates() : authenticator;
            return decider.authenticate(c).map(name -> {
                Subject s = new Subject();
                s.getPrincipals().add(new UserPrincipal(name));
                s.getPrincipals().add(new ClientIdPrincipal(c.clientId() == null ? "" : c.clientId()));
                return s;
            }).orElseGet(() -> {
                LOG.warn("refused connection of client '{}' (user '{}')", c.clientId(), user);
                return null;
            });
        }

        @Override
        public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
            // publishes: PublishAclPlugin (it sees the session); here: subscriptions, which create and consume queues
            if (checkType != CheckType.CONSUME && checkType != CheckType.BROWSE
                    && checkType != CheckType.CREATE_NON_DURABLE_QUEUE && checkType != CheckType.CREATE_DURABLE_QUEUE) {
                return true;
            }
            if (subject == null) {
                return false;
            }
            boolean internal = subject.getPrincipals(UserPrincipal.class).stream()
                    .anyMatch(p -> InternalClientGate.INTERNAL_USER.equals(p.getName()));
            if (internal) {
                return true;
            }
            String core = address == null ? "" : address;
            int fqqn = core.indexOf("::");
            if (fqqn >= 0) {
                core = core.substring(0, fqqn); // address::queue
            }
            String filter = MQTTUtil.getMqttTopicFromCoreAddress(core, wildcards);
            String clientId = subject.getPrincipals(ClientIdPrincipal.class).stream().map(ClientIdPrincipal::getName)
                    .findFirst().orElse(null);
            if (acl.maySubscribe(clientId, filter)) {
                return true;
            }
            if (checkType == CheckType.CREATE_NON_DURABLE_QUEUE || checkType == CheckType.CREATE_DURABLE_QUEUE) {
                aclRefusals.increment(); // counted once per SUBSCRIBE (queue creation comes first)
                LOG.warn("refused subscription by client '{}' to '{}': a box subscribes only inside its own control namespace",
                        clientId, filter);
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

}
