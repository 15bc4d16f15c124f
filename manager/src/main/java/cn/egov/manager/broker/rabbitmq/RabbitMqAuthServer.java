package cn.egov.manager.broker.rabbitmq;

import cn.egov.api.text.LogSafe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint RabbitMQ's HTTP auth backend asks ({@code auth_http.user_path = https://HOST:PORT/auth/user},
 * {@code vhost_path .../auth/vhost}, {@code resource_path .../auth/resource}, {@code topic_path .../auth/topic};
 * GET or POST, answers {@code allow} or {@code deny}). HTTPS only, and the caller must present a client
 * certificate that {@code callers} accepts (a RabbitMQ node's); any other caller gets no answer (no
 * certificate: the handshake fails; another certificate: 403), so nobody can probe who may connect.
 *
 * <p>Jetty serves it: TLS handshakes and reading the request run on its selector, not on a thread
 * per connection, and a connection idle for {@link #IDLE_TIMEOUT_MS} is closed, so callers that
 * open sockets and stall (slowloris) hold no thread and stop no answer. (The JDK's HttpsServer it
 * replaced handshook on its few worker threads without a time limit: eight stalled sockets stopped
 * every login of the fleet.) Questions wait for one of a few threads in a queue of {@code queue}
 * entries. A question that does not fit (a reconnect storm of the whole fleet) is not queued: it is
 * answered 503 and its connection closed, counted ({@link #busy()}) and told to {@code onBusy}.
 * RabbitMQ's HTTP backend takes any answer other than a 2xx as an error: the login is refused and
 * the box connects again after its back-off, when the storm has passed.
 */
public final class RabbitMqAuthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqAuthServer.class);
    /** Enough for RabbitMQ's parameters (user, vhost, routing key, client id); more is not RabbitMQ. */
    private static final int MAX_QUERY_BYTES = 16 * 1024;
    /** RabbitMQ asks one request per CONNECT, channel and new topic per connection: short work, a few threads. */
    private static final int THREADS = 4;

    /** The four paths RabbitMQ asks, by their last segment ({@code user}, {@code vhost}, {@code resource}, {@code topic}). */
    public static final List<String> PATHS = List.of("user", "vhost", "resource", "topic");

    /** A caller's connection idle this long (a stalled handshake or request) is closed. */
    static final long IDLE_TIMEOUT_MS = 10_000;

    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor workers;
    private final LongAdder busy = new LongAdder();
    private final Map<String, LongAdder> denied = new HashMap<>();
    private final LongAdder refusedCallers = new LongAdder();

    private final Consumer<Denial> onDenied;

    /** A question answered deny: which path, for whom, why (the embedded broker alarms its refusals the same way). */
    public record Denial(String path, String user, String clientId, String why) {
    }

    /**
     * @param callers  why a caller's leaf certificate may not ask, or empty when it may
     * @param onDenied told of each deny, on the answering thread (it must return at once: a throttled alarm queue)
     * @param queue    questions that may wait for a thread; more are refused
     * @param onBusy   told of each refused question with its count so far, on Jetty's thread (it must return at once)
     */
    public RabbitMqAuthServer(String bind, int port, SSLContext tls, Function<X509Certificate, Optional<String>> callers,
                              RabbitMqAuthorizer authorizer, Consumer<Denial> onDenied, int queue, Consumer<Long> onBusy) {
        this.onDenied = onDenied;
        Map<String, Function<Map<String, String>, RabbitMqAuthorizer.Decision>> paths = Map.of(
                "/auth/user", authorizer::user, "/auth/vhost", authorizer::vhost,
                "/auth/resource", authorizer::resource, "/auth/topic", authorizer::topic);
        PATHS.forEach(p -> denied.put("/auth/" + p, new LongAdder()));
        workers = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "rabbitmq-auth");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> {
            throw new RejectedExecutionException("rabbitmq auth: " + queue + " questions already wait");
        });
        QueuedThreadPool jetty = new QueuedThreadPool(8, 2);
        jetty.setName("rabbitmq-auth-io");
        jetty.setDaemon(true);
        server = new Server(jetty);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(true);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // RabbitMQ names the host of auth_http's URL, whatever the certificate says
        http.addCustomizer(secure);
        connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                try {
                    workers.execute(() -> {
                        try {
                            answer(request, response, callback, callers, paths.get(Request.getPathInContext(request)));
                        } catch (IOException | RuntimeException e) {
                            LOG.warn("rabbitmq auth: {} failed: {}", LogSafe.of(Request.getPathInContext(request)), e.toString());
                            callback.failed(e);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    busy.increment();
                    onBusy.accept(busy.sum());
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    reply(response, callback, 503, "busy");
                }
                return true;
            }
        });
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (for a configured port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Answers {@code deny} on one of {@link #PATHS}. */
    public long denied(String path) {
        return denied.get("/auth/" + path).sum();
    }

    /** Questions answered 503 because {@code queue} questions already waited. */
    public long busy() {
        return busy.sum();
    }

    /** Questions waiting for a thread. */
    public int waiting() {
        return workers.getQueue().size();
    }

    /** Callers without an allowed client certificate (answered 403; a caller with none fails the handshake first). */
    public long refusedCallers() {
        return refusedCallers.sum();
    }

    private void answer(Request request, Response response, Callback callback, Function<X509Certificate, Optional<String>> callers,
                        Function<Map<String, String>, RabbitMqAuthorizer.Decision> path) throws IOException {
        String where = Request.getPathInContext(request);
        Optional<String> refused = caller(request).map(callers).orElse(Optional.of("no client certificate"));
        if (refused.isPresent()) {
            refusedCallers.increment();
            LOG.warn("rabbitmq auth: refused a caller from {}: {}", Request.getRemoteAddr(request), LogSafe.of(refused.get()));
            reply(response, callback, 403, "forbidden");
            return;
        }
        String method = request.getMethod();
        if (path == null || !(method.equals("GET") || method.equals("POST"))) {
            reply(response, callback, 404, "not found");
            return;
        }
        String query = method.equals("GET") ? request.getHttpURI().getQuery() : body(Content.Source.asInputStream(request));
        if (query == null || query.length() > MAX_QUERY_BYTES) {
            reply(response, callback, 400, "bad request");
            return;
        }
        Map<String, String> params;
        try {
            params = form(query);
        } catch (IllegalArgumentException e) {
            reply(response, callback, 400, "bad request");
            return;
        }
        RabbitMqAuthorizer.Decision d = path.apply(params);
        if (!d.allowed()) {
            denied.get(where).increment();
            LOG.info("rabbitmq auth: {} denied: {}", where, LogSafe.of(d.why()));
            String clientId = params.getOrDefault("client_id", params.getOrDefault("variable_map.client_id", ""));
            onDenied.accept(new Denial(where.substring("/auth/".length()), params.getOrDefault("username", ""), clientId, d.why()));
        }
        reply(response, callback, 200, d.allowed() ? "allow" : "deny");
    }

    private static Optional<X509Certificate> caller(Request request) {
        Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = ssl instanceof EndPoint.SslSessionData d ? d.peerCertificates() : null;
        return chain != null && chain.length > 0 ? Optional.of(chain[0]) : Optional.empty();
    }

    private static String body(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_QUERY_BYTES + 1);
        return b.length > MAX_QUERY_BYTES ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** {@code application/x-www-form-urlencoded}, as RabbitMQ writes it ({@code rabbit_http_util:quote_plus}). */
    static Map<String, String> form(String query) {
        Map<String, String> out = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void reply(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, text, callback);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        workers.shutdownNow();
    }
}
