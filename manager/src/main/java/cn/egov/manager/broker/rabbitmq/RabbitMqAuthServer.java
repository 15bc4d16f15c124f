package cn.egov.manager.broker.rabbitmq;

import cn.egov.api.text.LogSafe;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
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
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint RabbitMQ's HTTP auth backend asks ({@code auth_http.user_path = https://HOST:PORT/auth/user},
 * {@code vhost_path .../auth/vhost}, {@code resource_path .../auth/resource}, {@code topic_path .../auth/topic};
 * GET or POST, answers {@code allow} or {@code deny}). HTTPS only, and the caller must present a client
 * certificate that {@code callers} accepts (a RabbitMQ node's); any other caller gets no answer (no
 * certificate: the handshake fails; another certificate: 403), so nobody can probe who may connect.
 *
 * <p>Questions wait for one of a few threads in a queue of {@code queue} entries. A question that
 * does not fit (a reconnect storm of the whole fleet) is not queued: its connection is closed
 * unanswered, counted ({@link #busy()}) and told to {@code onBusy}. RabbitMQ's HTTP backend takes
 * any answer other than a 2xx, and a closed connection, as an error: the login is refused and the
 * box connects again after its back-off, when the storm has passed.
 */
public final class RabbitMqAuthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqAuthServer.class);
    /** Enough for RabbitMQ's parameters (user, vhost, routing key, client id); more is not RabbitMQ. */
    private static final int MAX_QUERY_BYTES = 16 * 1024;
    /** RabbitMQ asks one request per CONNECT, channel and new topic per connection: short work, a few threads. */
    private static final int THREADS = 4;

    /** The four paths RabbitMQ asks, by their last segment ({@code user}, {@code vhost}, {@code resource}, {@code topic}). */
    public static final List<String> PATHS = List.of("user", "vhost", "resource", "topic");

    private final HttpsServer server;
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
     * @param onBusy   told of each refused question with its count so far, on the accepting thread (it must return at once)
     */
    public RabbitMqAuthServer(String bind, int port, SSLContext tls, Function<X509Certificate, Optional<String>> callers,
                              RabbitMqAuthorizer authorizer, Consumer<Denial> onDenied, int queue, Consumer<Long> onBusy)
            throws IOException {
        this.onDenied = onDenied;
        server = HttpsServer.create(new InetSocketAddress(bind, port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                var p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        Map<String, Function<Map<String, String>, RabbitMqAuthorizer.Decision>> paths = Map.of(
                "/auth/user", authorizer::user, "/auth/vhost", authorizer::vhost,
                "/auth/resource", authorizer::resource, "/auth/topic", authorizer::topic);
        PATHS.forEach(p -> denied.put("/auth/" + p, new LongAdder()));
        server.createContext("/auth/", ex -> {
            try (ex) {
                answer(ex, callers, paths.get(ex.getRequestURI().getPath()));
            } catch (RuntimeException e) {
                LOG.warn("rabbitmq auth: {} failed: {}", ex.getRequestURI().getPath(), e.toString());
            }
        });
        workers = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "rabbitmq-auth");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> {
            busy.increment();
            onBusy.accept(busy.sum());
            // the JDK server closes the connection of a question its executor refuses
            throw new RejectedExecutionException("rabbitmq auth: " + queue + " questions already wait");
        });
        server.setExecutor(workers);
    }

    public void start() {
        server.start();
    }

    /** The bound port (for a configured port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers {@code deny} on one of {@link #PATHS}. */
    public long denied(String path) {
        return denied.get("/auth/" + path).sum();
    }

    /** Questions refused unanswered because {@code queue} questions already waited. */
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

    private void answer(HttpExchange ex, Function<X509Certificate, Optional<String>> callers,
                        Function<Map<String, String>, RabbitMqAuthorizer.Decision> path) throws IOException {
        Optional<String> refused = caller(ex).map(callers).orElse(Optional.of("no client certificate"));
        if (refused.isPresent()) {
            refusedCallers.increment();
            LOG.warn("rabbitmq auth: refused a caller from {}: {}", ex.getRemoteAddress(), refused.get());
            reply(ex, 403, "forbidden");
            return;
        }
        if (path == null || !(ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("POST"))) {
            reply(ex, 404, "not found");
            return;
        }
        String query = ex.getRequestMethod().equals("GET") ? ex.getRequestURI().getRawQuery() : body(ex.getRequestBody());
        if (query == null || query.length() > MAX_QUERY_BYTES) {
            reply(ex, 400, "bad request");
            return;
        }
        Map<String, String> params;
        try {
            params = form(query);
        } catch (IllegalArgumentException e) {
            reply(ex, 400, "bad request");
            return;
        }
        RabbitMqAuthorizer.Decision d = path.apply(params);
        if (!d.allowed()) {
            denied.get(ex.getRequestURI().getPath()).increment();
            LOG.info("rabbitmq auth: {} denied: {}", ex.getRequestURI().getPath(), LogSafe.of(d.why()));
            String clientId = params.getOrDefault("client_id", params.getOrDefault("variable_map.client_id", ""));
            onDenied.accept(new Denial(ex.getRequestURI().getPath().substring("/auth/".length()), params.getOrDefault("username", ""),
                    clientId, d.why()));
        }
        reply(ex, 200, d.allowed() ? "allow" : "deny");
    }

    private static Optional<X509Certificate> caller(HttpExchange ex) {
        try {
            Certificate[] chain = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
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

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
