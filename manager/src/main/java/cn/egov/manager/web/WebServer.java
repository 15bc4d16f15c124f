package cn.egov.manager.web;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 serving the {@link WebRoutes}; routes are fixed once it has started. */
public final class WebServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    public WebServer(String bind, int port, WebRoutes routes, RoleAuthenticator authenticator) {
        this.server = new Server();
        this.connector = new ServerConnector(server);
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new RouteDispatcher(routes, authenticator));
        routes.freeze();
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String baseUrl() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return "http://" + host + ":" + port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
