package cn.egov.manager.broker.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RabbitMqAuthTls;
import cn.egov.manager.support.TlsBox;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers that open a connection, send a byte of their TLS handshake and then nothing (slowloris)
 * do not hold the endpoint's few threads: RabbitMQ's questions are still answered.
 */
class RabbitMqAuthServerSlowCallerTest {

    /** More than the endpoint's threads ({@code RabbitMqAuthServer.THREADS}). */
    private static final int SLOW_CALLERS = 8;

    @TempDir
    Path dir;

    @Test
    void callersThatStallInTheHandshakeDoNotStopTheAnswers() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "slow-test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             RabbitMqAuthServer server = new RabbitMqAuthServer("127.0.0.1", 0,
                     RabbitMqAuthTls.serverContext(ca, List.of("localhost"), List.of("127.0.0.1")),
                     leaf -> Optional.of("not a node"),
                     new RabbitMqAuthorizer("egov-manager", "egov-admin", "/", "egov-manager-ingest", new TopicAcl("hebei"),
                             unit -> Optional.empty()),
                     d -> { }, 100, n -> { })) {
            server.start();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CALLERS; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write(0x16); // the first byte of a TLS record, then silence
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .sslContext(TlsBox.issueContext(ca, "130602-001")).build();
                HttpRequest ask = HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/auth/user?username=x"))
                        .timeout(Duration.ofSeconds(60)).build();
                assertEquals(403, client.send(ask, HttpResponse.BodyHandlers.ofString()).statusCode(), "a question is answered");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
