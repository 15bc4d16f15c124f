package cn.egov.manager.broker.rabbitmq;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Closes a user's connections anywhere in a RabbitMQ cluster, through the management API of any
 * node ({@code DELETE /api/connections/username/USER}, RabbitMQ 3.10). That call works on the
 * cluster's connection tracking, which registers a connection when it opens, not on the statistics
 * that {@code GET /api/connections} shows some seconds later: a connection opened just before a
 * revocation is closed too. The user needs the {@code administrator} tag: RabbitMQ 3.10 lets only
 * administrators close others' connections.
 */
public final class RabbitMqConnections {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<URI> nodes;
    private final String authorization;
    private final HttpClient http;

    /**
     * @param nodes base URLs of the nodes' management listeners ({@code https://mq1:15671}); tried in order
     * @param tls   trusts the nodes' certificates (https)
     */
    public RabbitMqConnections(List<URI> nodes, String user, String password, SSLContext tls) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no management URL");
        }
        this.nodes = List.copyOf(nodes);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (Objects.requireNonNull(user, "user") + ":" + Objects.requireNonNull(password, "password")).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(Objects.requireNonNull(tls, "tls")).build();
    }

    /** Closes every connection of {@code user} (none open is not an error); the first node that answers does it. */
    public void closeUser(String user, String reason) throws IOException, InterruptedException {
        String path = "api/connections/username/" + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20");
        IOException failed = null;
        for (URI node : nodes) {
            URI uri = URI.create(node.toString().replaceAll("/+$", "") + "/" + path);
            HttpRequest r = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", authorization)
                    .header("X-Reason", reason).DELETE().build();
            try {
                HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() / 100 == 2 || res.statusCode() == 404) {
                    return;
                }
                failed = new IOException(node + " answered DELETE /" + path + " with " + res.statusCode());
            } catch (IOException e) {
                failed = new IOException(node + ": " + e.getMessage(), e);
            }
        }
        throw failed;
    }
}
