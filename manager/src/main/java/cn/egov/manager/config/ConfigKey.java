package cn.egov.manager.config;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.store.Database;

/**
 * Every key of the manager's configuration file: the one schema from which loading, validation
 * and the documented sample ({@code manager.properties.sample}, {@code manager config-keys}) derive.
 */
public enum ConfigKey {
    DATA_DIR("data.dir", "./manager-data", "Folder for the database, the embedded broker's journal and other state."),
    ACCOUNT("account", "hebei", "Kura account (first topic level) whose boxes this manager ingests."),
    DB_URL("db.url", "", "JDBC URL of the store; empty means SQLite at <data.dir>/manager.db (WAL). PostgreSQL: jdbc:postgresql://host/db."),
    DB_USER("db.user", "", "Database user (PostgreSQL); unused for SQLite."),
    DB_PASSWORD("db.password", "", "Database password (PostgreSQL); unused for SQLite."),
    DB_POOL_SIZE("db.pool-size", Integer.toString(Database.DEFAULT_POOL.size()),
            "PostgreSQL: most connections the manager holds open at once (a pool; the ingest writer keeps one, the other parts take one per query or transaction). Unused for SQLite."),
    DB_POOL_TIMEOUT_MS("db.pool-timeout-ms", Long.toString(Database.DEFAULT_POOL.timeoutMs()),
            "PostgreSQL: longest wait (ms, at least " + Database.Pool.MIN_TIMEOUT_MS + ") for a free pooled connection; past it the work fails with an error and is retried as after any database error."),
    DB_POOL_IDLE_MS("db.pool-idle-ms", Long.toString(Database.DEFAULT_POOL.idleMs()),
            "PostgreSQL: a pooled connection unused this long (ms, at least " + Database.Pool.MIN_IDLE_MS + ") is closed; an idle manager keeps none open."),

    BROKER_MODE("broker.mode", "embedded", "'embedded' starts Apache ActiveMQ Artemis inside the manager; 'external' connects to broker.url (one MQTT session: one manager node); 'rabbitmq' consumes from a quorum queue of a RabbitMQ cluster at broker.amqp.addresses (several manager nodes split the load)."),
    BROKER_BIND("broker.bind", "127.0.0.1", "Address of the embedded broker's plain lab listener (broker.plain.enabled)."),
    BROKER_PORT("broker.port", "1883", "Port of the embedded broker's plain lab listener (broker.plain.enabled); 0 picks a free port (printed at start)."),
    BROKER_PLAIN_ENABLED("broker.plain.enabled", "false",
            "UNSAFE, for a lab only: 'true' opens the embedded broker's unencrypted MQTT listener on broker.bind:broker.port. Anyone on the path reads and can replay what boxes send there. Even so every box must log in: user name = client id = its unit code, with its password from broker.plain.password-file. Production boxes use broker.tls.port with their certificates."),
    BROKER_PLAIN_PASSWORD_FILE("broker.plain.password-file", "",
            "The lab listener's per-box credentials: a Mosquitto password file (mosquitto_passwd -b FILE <unit code> <password>), one line per unit. Required when broker.plain.enabled=true; re-read when it changes."),
    BROKER_URL("broker.url", "", "External broker URL, e.g. tcp://mqtt.example:1883 (broker.mode=external)."),
    BROKER_AMQP_ADDRESSES("broker.amqp.addresses", "", "broker.mode=rabbitmq: every RabbitMQ node's AMQP listener, host:port,host:port,...; the manager connects to one and moves to another when it is lost."),
    BROKER_AMQP_VHOST("broker.amqp.vhost", "/", "broker.mode=rabbitmq: the RabbitMQ virtual host of the MQTT plugin (mqtt.vhost)."),
    BROKER_RABBITMQ_AUTH_PORT("broker.rabbitmq.auth.port", "",
            "broker.mode=rabbitmq: port of the endpoint RabbitMQ's HTTP auth backend asks at every CONNECT, channel and topic (auth_http.user_path = https://<host>:<port>/auth/user, and vhost, resource, topic); HTTPS with client certificates, needs ca.passphrase-file. Empty = none: RabbitMQ's own users and permissions decide alone (no CA register check, no client id tie). 0 = a free port."),
    BROKER_RABBITMQ_AUTH_BIND("broker.rabbitmq.auth.bind", "127.0.0.1", "broker.mode=rabbitmq: address of that endpoint (the RabbitMQ nodes must reach it)."),
    BROKER_RABBITMQ_AUTH_DNS_NAMES("broker.rabbitmq.auth.dns-names", "localhost",
            "broker.mode=rabbitmq: DNS names in the endpoint's TLS certificate (issued by the CA at each start): the host names in the RabbitMQ nodes' auth_http URLs (comma-separated)."),
    BROKER_RABBITMQ_AUTH_IPS("broker.rabbitmq.auth.ips", "127.0.0.1", "broker.mode=rabbitmq: IP addresses in that certificate (comma-separated)."),
    BROKER_RABBITMQ_AUTH_CLIENTS("broker.rabbitmq.auth.clients", "",
            "broker.mode=rabbitmq: CNs of the certificates the RabbitMQ nodes present to the endpoint (HUB certificates of the provincial CA, manager ca issue-hub; comma-separated). Required with broker.rabbitmq.auth.port; any other caller gets 403."),
    BROKER_RABBITMQ_AUTH_QUEUE("broker.rabbitmq.auth.queue", "1000",
            "broker.mode=rabbitmq: questions of RabbitMQ's auth backend that may wait for the endpoint's threads (a few per CONNECT); one more, in a reconnect storm, is answered 503 (RabbitMQ refuses that login, the box retries after its back-off), counted (rabbitmq_auth_busy_total) and alarmed (broker.auth-busy)."),
    BROKER_RABBITMQ_MANAGEMENT_URLS("broker.rabbitmq.management.urls", "",
            "broker.mode=rabbitmq: base URLs of the nodes' management API (https://mq1:15671,...; tried in order). The node holding the singleton closes there, within broker.credential-check-ms, the connections of a box whose certificate was revoked. Required with broker.rabbitmq.auth.port."),
    BROKER_RABBITMQ_MANAGEMENT_USERNAME("broker.rabbitmq.management.username", "",
            "broker.mode=rabbitmq: the management API user (tag administrator: only administrators close others' connections); not a unit code, not broker.username."),
    BROKER_RABBITMQ_MANAGEMENT_PASSWORD("broker.rabbitmq.management.password", "", "broker.mode=rabbitmq: its password."),
    BROKER_USERNAME("broker.username", "", "User name the manager's subscriber presents to an external broker."),
    BROKER_PASSWORD("broker.password", "", "Password the manager's subscriber presents to an external broker."),
    BROKER_QUEUE_MAX_BYTES("broker.queue.max-bytes", "2147483648",
            "Embedded broker: bytes of undelivered messages kept (memory, then paged to disk) before publishes are refused. The no-loss bound."),
    BROKER_QUEUE_ALARM_RATIO("broker.queue.alarm-ratio", "0.8", "Raise the broker.backlog alarm when the backlog passes this share of broker.queue.max-bytes."),
    BROKER_MAX_PACKET_BYTES("broker.max-packet-bytes", Integer.toString(ArtemisBroker.DEFAULT_MAX_PACKET_BYTES),
            "Embedded broker: largest MQTT packet (topic and payload) a box or NOC client may send. A larger one is not read: its connection is closed, counted (broker_packets_too_large_total) and alarmed (broker.packet-too-large). Keep it above ingest.max-payload-bytes. Also bounds in bytes what the set-aside queues can hold (" + ArtemisBroker.SET_ASIDE_BOUND + " messages each). At most " + ArtemisBroker.MQTT_MAX_PACKET_BYTES + "."),
    BROKER_MAX_CONNECTIONS("broker.max-connections", Integer.toString(ArtemisBroker.DEFAULT_MAX_BOX_CONNECTIONS),
            "Embedded broker: most connections the boxes' listener (broker.tls.port; the lab's plain one has its own of the same size) holds at once; a further one is closed before it is read. The open count is broker_connections_tls; alarm broker.connection-limit above 90% of it."),
    BROKER_NOC_MAX_CONNECTIONS("broker.noc.max-connections", Integer.toString(ArtemisBroker.DEFAULT_MAX_NOC_CONNECTIONS),
            "Embedded broker: most connections the NOC's listener (broker.noc.port) holds at once; a further one is closed before it is read (anyone can reach it before logging in). The open count is broker_connections_noc; alarm broker.noc.connection-limit above 90% of it."),
    BROKER_TLS_PORT("broker.tls.port", "",
            "Embedded broker: port of the MQTT-over-TLS listener for boxes (client certificate of the provincial CA required; needs ca.passphrase-file); empty = no TLS listener, 0 = a free port."),
    BROKER_TLS_DNS_NAMES("broker.tls.dns-names", "localhost", "Comma-separated DNS names in the TLS listener's certificate (issued by the provincial CA at each start)."),
    BROKER_TLS_IPS("broker.tls.ips", "127.0.0.1", "Comma-separated IP addresses in the TLS listener's certificate."),
    BROKER_NOC_PORT("broker.noc.port", "",
            "Embedded broker: port of the NOC's read-only listener (MQTT over TLS with the broker's certificate, user and password from broker.noc.password-file; subscribe to <account>/# and $EDC/#, never publish). Needs broker.tls.port; empty = none, 0 = a free port."),
    BROKER_NOC_PASSWORD_FILE("broker.noc.password-file", "",
            "The NOC operators' credentials: a Mosquitto password file (mosquitto_passwd -b FILE <user> <password>); user names must not be unit codes. Required with broker.noc.port; re-read when it changes."),
    BROKER_CREDENTIAL_CHECK_MS("broker.credential-check-ms", "1000",
            "Embedded broker (and broker.mode=rabbitmq with broker.rabbitmq.auth.port): how often (ms) it looks for a new revocation in the CA register (whichever process made it) or a changed lab/NOC password file; when it finds one, every open connection is judged again and those no longer allowed are closed."),
    BROKER_REFUSAL_ALARM_INTERVAL_S("broker.refusal-alarm-interval-s", "600",
            "A refused connection raises an alarm; the same reason from the same client (its certificate's serial, else its address; on RabbitMQ the check and user), or a message of the same unknown unit, again only after this many seconds (counted meanwhile)."),


    FLEET_MISSING_FACTOR("fleet.missing-factor", "3", "A connected box with no health for this many health intervals becomes MISSING."),
    FLEET_DEFAULT_HEALTH_INTERVAL_S("fleet.default-health-interval-s", "60", "Health interval assumed when a box's BIRTH lacks health_interval_s."),
    FLEET_CHECK_PERIOD_MS("fleet.check-period-ms", "1000", "How often the registry looks for MISSING boxes."),
    FLEET_SYNC_PERIOD_MS("fleet.sync-period-ms", "2000",
            "PostgreSQL, several nodes: how often a node takes over what the other nodes stored about boxes (status, last seen, last health). Unused on SQLite (one node)."),
    FLEET_CLOCK_SKEW_MS("fleet.clock-skew-ms", "5000",
            "PostgreSQL, several nodes: the largest clock difference between manager nodes (plus a transaction's time to commit) that taking over the other nodes' box changes allows for."),

    CLUSTER_NODE("cluster.node", "", "This manager node's name in logs (\"node X now runs the CRL publisher\"); empty = host name and process id."),
    CLUSTER_LEADER_RETRY_MS("cluster.leader.retry-ms", "5000",
            "PostgreSQL, several nodes: how often a node that does not run a province-wide singleton tries to take it (advisory lock); a dead holder's singletons move within this time. Unused on SQLite (one node)."),

    WEB_BIND("web.bind", "127.0.0.1", "Address of the web UI and REST API. An address other machines can reach needs web.tls = ca (start-up refuses otherwise)."),
    WEB_PORT("web.port", "8080", "Port of the web UI and REST API; 0 picks a free port (printed at start)."),
    WEB_TLS("web.tls", "off", "'ca' serves HTTPS with a key and certificate issued by the provincial CA at each start (needs ca.passphrase-file); 'off' serves HTTP, for a loopback web.bind only."),
    WEB_TLS_DNS_NAMES("web.tls.dns-names", "localhost", "Comma-separated DNS names in the web server's certificate: the names browsers use."),
    WEB_TLS_IPS("web.tls.ips", "127.0.0.1", "Comma-separated IP addresses in the web server's certificate."),
    WEB_PUBLIC_ORIGIN("web.public-origin", "",
            "Origin browsers use for the manager, e.g. https://manager.hebei.gov.cn:8443 (comma-separated if several); POSTs carrying another Origin are refused. The first is the URL the manager prints. Empty: derived from web.bind, web.port and web.tls (with TLS on a non-loopback bind: every name of web.tls.dns-names and address of web.tls.ips with web.port, localhost and loopback addresses last)."),
    AUTH_NOC_TOKEN("auth.noc.token", "", "API token of the NOC role (Bearer, or Basic with user 'noc'); at least 16 characters; empty disables it."),
    AUTH_AUDITOR_TOKEN("auth.auditor.token", "", "API token of the auditor role (Bearer, or Basic with user 'auditor'); at least 16 characters, not the NOC's; empty disables it."),
    AUTH_THROTTLE_MAX_FAILURES("auth.throttle.max-failures", "5", "Failed logins from one address, or for one user, within auth.throttle.window-s after which every attempt is refused (429) until the window passes."),
    AUTH_THROTTLE_WINDOW_S("auth.throttle.window-s", "60", "Sliding window of the login throttle, in seconds."),
    WEB_SESSION_IDLE_MIN("web.session.idle-min", "30", "A browser's session (log-in form) ends when unused this many minutes."),
    WEB_SESSION_MAX_HOURS("web.session.max-hours", "8", "A browser's session ends this many hours after its log-in, used or not."),
    WEB_SESSION_MAX("web.session.max", "1000", "Most sessions at once; beyond, the one unused the longest ends."),
    WEB_MAX_CONNECTIONS("web.max-connections", "256",
            "Most connections the web UI and REST API hold open at once; at the limit it stops accepting (further clients wait unserved until one closes) and raises the http.connection-limit alarm.");

    /**
     * Key prefixes of the manager's parts, for {@link ManagerConfig#load(java.nio.file.Path)} without
     * the parts' schemas (passed through unchecked). Commands load with every part's schema
     * ({@code cn.egov.manager.app.Parts}), which knows each part's prefix.
     */
    public static final java.util.List<String> EXTENSION_PREFIXES = java.util.List.of("ca.", "hub.", "policy.", "plan.", "console.",
            "duty.", "portal.", "exchange.", "ingest.", "noc.", "report.", "update.");

    public final String key;
    public final String defaultValue;
    public final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public static java.util.Optional<ConfigKey> byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return java.util.Optional.of(k);
            }
        }
        return java.util.Optional.empty();
    }

    /** The documented sample file: every key with its description and default. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# egov-edge manager configuration. Every key, with its default.\n");
        for (ConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n');
            sb.append("#").append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        sb.append("\n# Keys starting with ").append(String.join(", ", EXTENSION_PREFIXES))
                .append(" belong to the manager's parts; see their READMEs.\n");
        return sb.toString();
    }
}
