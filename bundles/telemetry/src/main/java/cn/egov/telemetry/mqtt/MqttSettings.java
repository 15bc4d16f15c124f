package cn.egov.telemetry.mqtt;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * How the box reaches the broker.
 *
 * @param brokerUrl     {@code tcp://host:port} or {@code ssl://host:port}
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
public record MqttSettings(String brokerUrl, String account, String username, char[] password,
                           Duration reconnectMin, Duration reconnectMax, int maxInflight, Duration keepAlive,
                           Supplier<SSLSocketFactory> tls) {
    public static final String DEFAULT_ACCOUNT = "hebei";
    public static final int DEFAULT_MAX_INFLIGHT = 20;
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

    public MqttSettings {
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        URI uri = URI.create(brokerUrl);
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("broker URL must be tcp://host:port or ssl://host:port, got '" + brokerUrl + "'");
        }
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

    /** Returns a copy that takes its TLS socket factory from {@code tls}. */
    public MqttSettings withTls(Supplier<SSLSocketFactory> tls) {
        return new MqttSettings(brokerUrl, account, username, password, reconnectMin, reconnectMax, maxInflight, keepAlive, tls);
    }
}
