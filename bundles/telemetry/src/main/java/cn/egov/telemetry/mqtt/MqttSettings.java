package cn.egov.telemetry.mqtt;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * How the box reaches the broker.
 *
 * @param brokerUrls    one or more {@code tcp://host:port} or {@code ssl://host:port}, tried in
 *                      {@code order} at each connect until one accepts; the box fails over to the
 *                      next when the connected one dies
 * @param order         where in {@code brokerUrls} each connect starts
 * @param account       the Kura account, first topic level (default {@code hebei})
 * @param username      optional; {@code null} when the broker authenticates by certificate or not at all
 * @param password      optional
 * @param reconnectMin  first wait after a failed connect; doubles up to {@code reconnectMax}
 * @param reconnectMax  longest wait between connect attempts
 * @param maxInflight   QoS 1 messages sent but not yet acknowledged (Paho's window)
 * @param keepAlive     MQTT keep-alive; the broker publishes the last will after 1.5 times this
 * @param tls           TLS seam: supplies the socket factory (client certificate) at each connect;
 *                      {@code null}, or a supplier returning {@code null}, means plain TCP / the JVM default
 */
public record MqttSettings(List<String> brokerUrls, BrokerOrder order, String account, String username, char[] password,
                           Duration reconnectMin, Duration reconnectMax, int maxInflight, Duration keepAlive,
                           Supplier<SSLSocketFactory> tls) {
    public static final String DEFAULT_ACCOUNT = "hebei";
    public static final int DEFAULT_MAX_INFLIGHT = 20;
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

    public MqttSettings {
        brokerUrls = List.copyOf(brokerUrls);
        if (brokerUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one broker URL is needed");
        }
        for (int i = 0; i < brokerUrls.size(); i++) {
            checkUrl(brokerUrls, i);
        }
        if (brokerUrls.stream().distinct().count() != brokerUrls.size()) {
            throw new IllegalArgumentException("broker URLs must be different, got " + brokerUrls);
        }
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(account, "account");
        if (reconnectMin.isNegative() || reconnectMin.isZero()) {
            throw new IllegalArgumentException("reconnectMin must be positive, got " + reconnectMin.toMillis() + " ms");
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax (" + reconnectMax.toMillis() + " ms) must not be below reconnectMin ("
                    + reconnectMin.toMillis() + " ms)");
        }
        if (maxInflight < 1) {
            throw new IllegalArgumentException("maxInflight must be at least 1");
        }
    }

    /** One broker, as before endpoint lists: the settings of a box that has a single broker. */
    public MqttSettings(String brokerUrl, String account, String username, char[] password,
                        Duration reconnectMin, Duration reconnectMax, int maxInflight, Duration keepAlive,
                        Supplier<SSLSocketFactory> tls) {
        this(List.of(brokerUrl), BrokerOrder.IN_ORDER, account, username, password, reconnectMin, reconnectMax, maxInflight,
                keepAlive, tls);
    }

    private static void checkUrl(List<String> urls, int index) {
        String url = urls.get(index);
        String where = urls.size() == 1 ? "" : " (entry " + (index + 1) + " of " + urls.size() + ")";
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("broker URL" + where + " must be tcp://host:port or ssl://host:port, got '" + url + "'");
        }
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("broker URL" + where + " must be tcp://host:port or ssl://host:port, got '" + url + "'");
        }
    }

    /** The first endpoint: the client's nominal server (each connect passes the whole list). */
    public String primaryUrl() {
        return brokerUrls.get(0);
    }

    /**
     * The endpoints in the order one connect tries them: the list as configured for
     * {@link BrokerOrder#IN_ORDER}, else rotated to start at a random entry.
     */
    public List<String> connectOrder(RandomGenerator random) {
        if (order == BrokerOrder.IN_ORDER || brokerUrls.size() == 1) {
            return brokerUrls;
        }
        int start = random.nextInt(brokerUrls.size());
        List<String> rotated = new ArrayList<>(brokerUrls.subList(start, brokerUrls.size()));
        rotated.addAll(brokerUrls.subList(0, start));
        return rotated;
    }

    /** Returns a copy that takes its TLS socket factory from {@code tls}. */
    public MqttSettings withTls(Supplier<SSLSocketFactory> tls) {
        return new MqttSettings(brokerUrls, order, account, username, password, reconnectMin, reconnectMax, maxInflight, keepAlive, tls);
    }
}
