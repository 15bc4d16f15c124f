package cn.egov.manager.broker.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RabbitMqAuthTls;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.TlsBox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconnect storm does not pile questions up in the auth endpoint: past its queue, a question is
 * answered 503 (RabbitMQ refuses that login), counted and told to the alarm path.
 */
class RabbitMqAuthServerBoundTest {

    /** The endpoint's threads ({@code RabbitMqAuthServer.THREADS}): all of them held by slow questions. */
    private static final int THREADS = 4;
    private static final int QUEUE = 2;

    @TempDir
    Path dir;

    @Test
    void aQuestionBeyondTheQueueIsRefusedCountedAndAlarmed() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        List<Long> busyTold = new CopyOnWriteArrayList<>();
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "bound-test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             RabbitMqAuthServer server = new RabbitMqAuthServer("127.0.0.1", 0,
                     RabbitMqAuthTls.serverContext(ca, List.of("localhost"), List.of("127.0.0.1")),
                     leaf -> {
                         await(slow); // a caller check that takes its time, as a slow CA register would
                         return Optional.of("not a node");
                     },
                     new RabbitMqAuthorizer("egov-manager", "egov-admin", "/", "egov-manager-ingest", new TopicAcl("hebei"),
                             unit -> Optional.empty()),
                     d -> { }, QUEUE, busyTold::add)) {
            server.start();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TlsBox.issueContext(ca, "130602-001")).build();
            HttpRequest ask = HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/auth/user?username=x")).build();
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < THREADS + QUEUE; i++) {
                held.add(client.sendAsync(ask, HttpResponse.BodyHandlers.ofString()));
            }
            Poll.until("the endpoint's queue holds " + QUEUE + " questions", 60_000, () -> server.waiting() == QUEUE);

            CompletableFuture<HttpResponse<String>> beyond = client.sendAsync(ask, HttpResponse.BodyHandlers.ofString());
            Poll.until("the question beyond the queue is refused", 60_000, () -> server.busy() == 1);
            assertEquals(503, beyond.get().statusCode(), "refused at once, not queued");
            assertEquals(List.of(1L), busyTold, "the alarm path is told with the count so far");

            slow.countDown();
            for (CompletableFuture<HttpResponse<String>> f : held) {
                assertEquals(403, f.get().statusCode(), "the questions that waited are answered");
            }
            assertEquals(1, server.busy());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
