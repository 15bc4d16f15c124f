package cn.egov.manager.app;

import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.LoginThrottle;
import cn.egov.manager.account.PasswordHasher;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.web.Sessions;
import cn.egov.manager.web.WebAuthenticator;
import cn.egov.manager.web.WebMetrics;
import cn.egov.manager.web.WebRoutes;
import cn.egov.manager.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web part of the manager's start: checks the web and auth settings (each refusal one line
 * naming the key), then builds the authenticator and the server.
 * <ul>
 *   <li>API tokens: at least {@value #MIN_SECRET_CHARS} characters, and no two roles with the same one
 *       (one token would otherwise be whichever role is checked first);</li>
 *   <li>a configuration file holding secrets must not be readable by group or others;</li>
 *   <li>HTTPS with a certificate of the provincial CA ({@code web.tls = ca}); without it only a
 *       loopback {@code web.bind} is served.</li>
 * </ul>
 */
final class WebPart {

    /** Shortest API token accepted: 16 random characters are out of reach of guessing over HTTP. */
    static final int MIN_SECRET_CHARS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(WebPart.class);
    /** Keys whose values are secrets: the file holding them must be private. */
    private static final List<ConfigKey> SECRET_KEYS = List.of(ConfigKey.AUTH_NOC_TOKEN, ConfigKey.AUTH_AUDITOR_TOKEN,
            ConfigKey.DB_PASSWORD, ConfigKey.BROKER_PASSWORD);

    private WebPart() {
    }

    /**
     * Checks the web and auth settings before anything starts; each refusal is a {@link ConfigException}
     * of one line naming the key.
     *
     * @param ca the provincial CA, or null when none is configured
     */
    static void check(ManagerConfig config, ProvincialCa ca) {
        tokens(config);
        checkFilePrivate(config);
        positive(config, ConfigKey.AUTH_THROTTLE_MAX_FAILURES);
        positive(config, ConfigKey.AUTH_THROTTLE_WINDOW_S);
        positive(config, ConfigKey.WEB_SESSION_IDLE_MIN);
        positive(config, ConfigKey.WEB_SESSION_MAX);
        positive(config, ConfigKey.WEB_MAX_CONNECTIONS);
        if (config.integer(ConfigKey.WEB_SESSION_MAX_HOURS) * 60L < config.integer(ConfigKey.WEB_SESSION_IDLE_MIN)) {
            throw new ConfigException(config.source() + ": " + ConfigKey.WEB_SESSION_MAX_HOURS.key + " must be at least "
                    + ConfigKey.WEB_SESSION_IDLE_MIN.key + " (a session cannot end of age before it could end idle)");
        }
        String tls = config.get(ConfigKey.WEB_TLS).strip();
        if (!tls.equals("ca") && !tls.equals("off")) {
            throw new ConfigException(config.source() + ": web.tls must be 'ca' or 'off', got '" + tls + "'");
        }
        if (tls.equals("ca") && ca == null) {
            throw new ConfigException(config.source() + ": web.tls = ca needs the provincial CA (set ca.passphrase-file)");
        }
        String bind = config.get(ConfigKey.WEB_BIND);
        if (tls.equals("off") && !WebServer.isLoopback(bind)) {
            throw new ConfigException(config.source() + ": web.bind = " + bind + " is reachable from other machines but web.tls = off:"
                    + " passwords would cross the network in clear text; set web.tls = ca, or web.bind = 127.0.0.1");
        }
    }

    static WebServer build(ManagerConfig config, ProvincialCa ca, WebRoutes routes, Database database, AuditLog audit,
                           WebMetrics metrics, ConnectionLimit connectionLimit) throws Exception {
        check(config, ca);
        Map<Role, String> tokens = tokens(config);
        WebAuthenticator auth = new WebAuthenticator(tokens, new AccountStore(database), new PasswordHasher(),
                new LoginThrottle(Clock.systemUTC(), config.integer(ConfigKey.AUTH_THROTTLE_MAX_FAILURES),
                        Duration.ofSeconds(config.integer(ConfigKey.AUTH_THROTTLE_WINDOW_S))), metrics);
        List<String> dnsNames = csv(config.get(ConfigKey.WEB_TLS_DNS_NAMES));
        List<String> ips = csv(config.get(ConfigKey.WEB_TLS_IPS));
        WebTlsIdentity identity = config.get(ConfigKey.WEB_TLS).strip().equals("ca") ? WebTlsIdentity.issue(ca, dnsNames, ips) : null;
        String bind = config.get(ConfigKey.WEB_BIND);
        int port = config.integer(ConfigKey.WEB_PORT);
        String origin = config.get(ConfigKey.WEB_PUBLIC_ORIGIN).strip();
        if (origin.isEmpty() && identity != null && !WebServer.isLoopback(bind) && port != 0) {
            origin = certificateOrigins(dnsNames, ips, port);
        }
        if (tokens.isEmpty()) {
            LOG.info("no API token (auth.*.token) is set: people log in with accounts ('manager account add')");
        }
        Sessions sessions = new Sessions(Clock.systemUTC(), Duration.ofMinutes(config.integer(ConfigKey.WEB_SESSION_IDLE_MIN)),
                Duration.ofHours(config.integer(ConfigKey.WEB_SESSION_MAX_HOURS)), config.integer(ConfigKey.WEB_SESSION_MAX));
        return new WebServer(new WebServer.Settings(bind, port, identity == null ? null : identity.keyStore(),
                identity == null ? null : identity.password(), origin), routes, auth, sessions, metrics, audit, connectionLimit);
    }

    /**
     * The origins of a TLS site on an address other machines reach, when {@code web.public-origin} is empty: every name and
     * address of its certificate with the port, for a browser may open any of them without a warning and then sends that
     * one as {@code Origin} (one name only refused the log-in of everyone who typed the address). Names other machines can
     * use come first: the first is the URL the manager prints.
     */
    static String certificateOrigins(List<String> dnsNames, List<String> ips, int port) {
        List<String> reachable = new ArrayList<>();
        List<String> local = new ArrayList<>();
        for (String name : dnsNames) {
            (name.equalsIgnoreCase("localhost") ? local : reachable).add(name);
        }
        for (String ip : ips) {
            (WebServer.isLoopback(ip) ? local : reachable).add(ip.contains(":") ? "[" + ip + "]" : ip);
        }
        reachable.addAll(local);
        return reachable.stream().map(host -> "https://" + host + ":" + port).collect(Collectors.joining(","));
    }

    /** The API tokens, refused when short or shared by two roles. */
    static Map<Role, String> tokens(ManagerConfig config) {
        Map<Role, String> tokens = new EnumMap<>(Role.class);
        Map<Role, ConfigKey> keys = Map.of(Role.NOC, ConfigKey.AUTH_NOC_TOKEN, Role.AUDITOR, ConfigKey.AUTH_AUDITOR_TOKEN);
        for (Role role : List.of(Role.NOC, Role.AUDITOR)) {
            ConfigKey key = keys.get(role);
            String value = config.get(key);
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (value.length() < MIN_SECRET_CHARS) {
                throw new ConfigException(config.source() + ": " + key.key + " is " + value.length() + " characters; an API token needs at least "
                        + MIN_SECRET_CHARS + " (e.g. 'openssl rand -hex 16')");
            }
            for (Map.Entry<Role, String> other : tokens.entrySet()) {
                if (other.getValue().equals(value)) {
                    throw new ConfigException(config.source() + ": " + key.key + " is the same as " + keys.get(other.getKey()).key
                            + "; each role needs its own token");
                }
            }
            tokens.put(role, value);
        }
        return tokens;
    }

    /** A configuration file that holds a secret must be readable by its owner only (as the CA's passphrase file). */
    static void checkFilePrivate(ManagerConfig config) {
        List<String> secrets = new ArrayList<>();
        for (ConfigKey k : SECRET_KEYS) {
            if (!config.get(k).isEmpty()) {
                secrets.add(k.key);
            }
        }
        Path file = Path.of(config.source());
        if (secrets.isEmpty() || !Files.isRegularFile(file)) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not a POSIX file system: nothing to check
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new ConfigException(file + " holds secrets (" + String.join(", ", secrets)
                    + ") and is readable by group or others; chmod 600 it");
        }
    }

    private static int positive(ManagerConfig config, ConfigKey key) {
        int v = config.integer(key);
        if (v <= 0) {
            throw new ConfigException(config.source() + ": " + key.key + " must be positive, got " + v);
        }
        return v;
    }

    private static List<String> csv(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
