package cn.egov.manager.web;

import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.audit.AuditLog;
import java.net.InetAddress;
import java.net.URI;
import java.security.KeyStore;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 serving the {@link WebRoutes}: one connector, HTTPS when a TLS identity is given. It
 * names no server software ({@code Server} header off), answers its own errors as JSON
 * ({@link JsonErrorHandler}), and refuses to start on an address other machines can reach without
 * TLS, where passwords and session cookies would cross the network in clear text. It adds the
 * shell's own routes (the log-in form, log-out, {@code /}) to the parts'; routes are fixed once it
 * has started. Its open connections are bounded ({@link ConnectionLimit}).
 */
public final class WebServer implements AutoCloseable {

    /**
     * The web server's listener.
     *
     * @param bind         address to listen on
     * @param port         port, 0 = a free one
     * @param tls          key store with the server's key and certificate chain (alias-free: the only key), or null for HTTP
     * @param tlsPassword  the key store's password
     * @param publicOrigin the origin browsers use ({@code https://manager.example:8443}), or empty to derive it
     *                     from bind, port and TLS
     */
    public record Settings(String bind, int port, KeyStore tls, char[] tlsPassword, String publicOrigin) {
    }

    /** A log-in or log-out form is a few fields. */
    private static final long LOGIN_FORM_BYTES = 4096;

    private final Server server;
    private final ServerConnector connector;
    private final Settings settings;
    private final ConnectionCap connections;

    public WebServer(Settings settings, WebRoutes routes, WebAuthenticator authenticator, Sessions sessions, WebMetrics metrics,
                     AuditLog audit, ConnectionLimit connectionLimit) {
        if (settings.tls() == null && !isLoopback(settings.bind())) {
            throw new IllegalArgumentException("web.bind = " + settings.bind() + " is reachable from other machines but web.tls is off:"
                    + " passwords would cross the network in clear text; set web.tls = ca or bind 127.0.0.1");
        }
        this.settings = settings;
        this.server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (settings.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            http.setSecureScheme("https");
            http.addCustomizer(new SecureRequestCustomizer());
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(settings.tls());
            ssl.setKeyStorePassword(new String(settings.tlsPassword()));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        }
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        server.addConnector(connector);
        connections = connectionLimit.applyTo(server);
        server.setErrorHandler(new JsonErrorHandler());
        // the shell's own routes: log-in and log-out, and the way in
        routes.add(new WebRoute(LoginHandler.PATH, Set.of(), null, new WebRoute.Writes(Set.of(), LOGIN_FORM_BYTES, true),
                new LoginHandler(routes, authenticator, sessions, audit)));
        Set<cn.egov.manager.account.Role> everyone = java.util.EnumSet.allOf(cn.egov.manager.account.Role.class);
        routes.add(new WebRoute(LogoutHandler.PATH, everyone, null, new WebRoute.Writes(everyone, LOGIN_FORM_BYTES, true),
                new LogoutHandler(sessions, audit)));
        routes.api("/", everyone, new RedirectHandler(routes));
        server.setHandler(new RouteDispatcher(routes, authenticator, sessions, this::origins, metrics, audit));
        routes.freeze();
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The bound on open connections, with their count and the times it was reached. */
    public ConnectionCap connections() {
        return connections;
    }

    public boolean tls() {
        return settings.tls() != null;
    }

    /** The URL the manager prints: the (first) public origin when one is configured, else this listener's own. */
    public String baseUrl() {
        if (!settings.publicOrigin().isBlank()) {
            return settings.publicOrigin().split(",", 2)[0].strip();
        }
        String host = connector.getHost() == null || isWildcard(connector.getHost()) ? "127.0.0.1" : connector.getHost();
        return (tls() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /**
     * The origins this site's pages have: the configured public origin, or the listener's own
     * address (and {@code localhost} beside a loopback address), with the bound port.
     */
    Set<String> origins() {
        Set<String> out = new LinkedHashSet<>();
        if (!settings.publicOrigin().isBlank()) {
            for (String o : settings.publicOrigin().split(",")) {
                String n = o.isBlank() ? null : normalise(o);
                if (n != null) {
                    out.add(n);
                }
            }
            return out;
        }
        String scheme = tls() ? "https" : "http";
        out.add(normalise(baseUrl()));
        if (isLoopback(settings.bind())) {
            out.add(scheme + "://localhost:" + port());
            out.add(scheme + "://127.0.0.1:" + port());
        }
        return out;
    }

    /**
     * {@code scheme://host[:port]} in lower case without a default port, as browsers send it in
     * {@code Origin}; null when {@code origin} is not an http(s) origin.
     */
    static String normalise(String origin) {
        try {
            URI u = new URI(origin.strip());
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
            boolean defaultPort = scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** True for an address only this machine can reach (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String bind) {
        if (bind == null || bind.isBlank() || isWildcard(bind)) {
            return false;
        }
        if (bind.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
