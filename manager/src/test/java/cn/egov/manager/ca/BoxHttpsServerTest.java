package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.TlsBox;
import cn.egov.manager.web.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server the portal's content, the exchange's documents and box updates share: a box gets to the server's own
 * handler as the unit of its certificate, and a revoked certificate is refused at its next request, on the same
 * connection, before the handler runs.
 */
class BoxHttpsServerTest {

    @TempDir
    Path dir;

    @Test
    void aBoxActsAsItsCertificatesUnitUntilTheCertificateIsRevoked() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "box server test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            AtomicInteger handled = new AtomicInteger();
            BoxHttpsServer.Refusals refusals = new BoxHttpsServer.Refusals("test server");
            try (BoxHttpsServer server = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("test", "127.0.0.1", 0, List.of("localhost"),
                    List.of("127.0.0.1")), null, refusals, (box, path, request, response, callback) -> {
                        handled.incrementAndGet();
                        return Json.write(response, callback, 200, Map.of("unit", box.toString(), "path", path));
                    })) {
                TlsBox box = TlsBox.issue(ca, "130602-001", dir.resolve("tls"));
                HttpClient client = HttpClient.newBuilder().sslContext(box.context()).version(HttpClient.Version.HTTP_1_1).build();
                URI url = URI.create(server.url() + "/any/path");

                HttpResponse<String> ok = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ok.statusCode(), ok.body());
                assertTrue(ok.body().contains("\"unit\":\"130602-001\""), ok.body());
                assertTrue(ok.body().contains("\"path\":\"/any/path\""), ok.body());

                ca.revoke(box.certificate().getSerialNumber(), RevocationReason.keyCompromise);
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("REVOKED (keyCompromise)"), refused.body());
                assertEquals(1, handled.get(), "the refused request never reached the handler");
                assertEquals(1, refusals.count());
            }
        }
    }
}
