package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.support.HeldConnection;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.StoreKind;
import cn.egov.manager.support.TlsBox;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.web.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server the portal's content, the exchange's documents and box updates share: a box gets to the server's own
 * handler as the unit of its certificate, and a revoked certificate is refused at its next request, on the same
 * connection, before the handler runs; and its open connections are bounded.
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
                    List.of("127.0.0.1")), null, refusals, limit(16), (box, path, request, response, callback) -> {
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
    @Test
    void noOtherCertificateOfTheCaGetsToTheHandler() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "box server test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            AtomicInteger handled = new AtomicInteger();
            try (BoxHttpsServer server = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("test", "127.0.0.1", 0, List.of("localhost"),
                    List.of("127.0.0.1")), null, new BoxHttpsServer.Refusals("test server"), limit(16), (box, path, request, response, callback) -> {
                        handled.incrementAndGet();
                        return Json.write(response, callback, 200, Map.of("unit", box.toString()));
                    })) {
                String unit = "130602-001";
                Map<String, java.util.function.Function<java.security.PublicKey, java.security.cert.X509Certificate>> others = Map.of(
                        "hub", k -> issue(() -> ca.issueHub(k, unit, List.of("hub.example"), List.of())),
                        "TLS server", k -> issue(() -> ca.issueTlsServer(k, unit, List.of("localhost"), List.of())),
                        "policy signing", k -> issue(() -> ca.issuePolicySigning(k, unit)),
                        "portal signing", k -> issue(() -> ca.issuePortalSigning(k, unit)),
                        "report signing", k -> issue(() -> ca.issueReportSigning(k, unit)));
                for (var other : others.entrySet()) {
                    java.security.KeyPair k = KeyPairs.p256();
                    HttpClient client = HttpClient.newBuilder().sslContext(presenting(ca, k, other.getValue().apply(k.getPublic())))
                            .version(HttpClient.Version.HTTP_1_1).build();
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/any")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(403, r.statusCode(), other.getKey() + ": " + r.body());
                    } catch (java.io.IOException handshakeRefused) {
                        // refused by TLS itself: no client-auth use in the certificate
                    }
                }
                assertEquals(0, handled.get(), "no certificate but a box's reaches the handler");
            }
        }
    }

    @Test
    void oneConnectionOverTheLimitWaitsUntilOneClosesAndIsAlarmed() throws Exception {
        int max = 2;
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "box server test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             Database db = StoreKind.SQLITE.open(dir)) {
            AlarmStore store = new AlarmStore(db);
            ThrottledAlarms alarms = new ThrottledAlarms(store, 60_000, 16);
            Meters meters = new Meters();
            List<HeldConnection> held = new ArrayList<>();
            try (BoxHttpsServer server = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("test", "127.0.0.1", 0, List.of("localhost"),
                    List.of("127.0.0.1")), null, new BoxHttpsServer.Refusals("test server"),
                    new ConnectionLimit("test", "test.max-connections", max, meters, "test", alarms),
                    (box, path, request, response, callback) -> Json.write(response, callback, 200, Map.of("unit", box.toString())))) {
                TlsBox box = TlsBox.issue(ca, "130602-001", dir.resolve("tls"));
                for (int i = 0; i < max; i++) {
                    HeldConnection c = open(box, server);
                    held.add(c);
                    Poll.until("connection " + (i + 1) + " answered", GENEROUS_MS, c::answered);
                    assertEquals("HTTP/1.1 200 OK", c.statusLine());
                }
                Poll.until("the open-connections gauge at the limit", GENEROUS_MS, () -> meter(meters, "test.connections.open"), v -> v == max);
                assertTrue(meter(meters, "test.connections.limit-reached") >= 1, "the limit-reached counter moved");
                HeldConnection extra = open(box, server);
                held.add(extra);
                // the alarm is queued at the limit (stored as the manager's at its next periodic flush, as here)
                Poll.until("the alarm queued", GENEROUS_MS, () -> alarms.pending() > 0);
                List<Alarm> stored = alarms.flush(System.currentTimeMillis());
                assertEquals(List.of(ConnectionCap.CONNECTION_LIMIT_ALARM), stored.stream().map(Alarm::kind).toList());
                assertEquals("test", stored.get(0).evidence().get("server"));
                assertEquals(1, store.latest(AlarmStore.MANAGER_CLIENT_ID, 10).size());
                assertTrue(server.connections().atLimit(), "the server stopped accepting");
                assertFalse(extra.answered(), "the connection over the limit was served: " + extra.statusLine());
                assertEquals(max, meter(meters, "test.connections.open"));

                held.get(0).close();
                Poll.until("the connection over the limit served once one closed", GENEROUS_MS, extra::answered);
                assertEquals("HTTP/1.1 200 OK", extra.statusLine());
            } finally {
                for (HeldConnection c : held) {
                    c.close();
                }
            }
        }
    }

    private static final long GENEROUS_MS = 60_000;

    private static HeldConnection open(TlsBox box, BoxHttpsServer server) throws Exception {
        URI url = URI.create(server.url());
        return new HeldConnection(box.socketFactory().createSocket(url.getHost(), url.getPort()), url.getAuthority(), "/any");
    }

    private static long meter(Meters meters, String name) {
        return ((Number) meters.snapshot().get(name)).longValue();
    }

    /** A limit that the tests of other behaviour do not reach. */
    private ConnectionLimit limit(int max) {
        return new ConnectionLimit("test", "test.max-connections", max, new Meters(), "test", new ThrottledAlarms(null, 60_000, 16));
    }

    private interface Issue {
        java.security.cert.X509Certificate issue() throws Exception;
    }

    private static java.security.cert.X509Certificate issue(Issue i) {
        try {
            return i.issue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS client that presents {@code cert} whatever the server asks for (as an attacker's client would). */
    private static javax.net.ssl.SSLContext presenting(ProvincialCa ca, java.security.KeyPair k, java.security.cert.X509Certificate cert)
            throws Exception {
        java.security.cert.X509Certificate[] chain = {cert, ca.issuingCertificate()};
        javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"c"};
            }

            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return "c";
            }

            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return "c";
            }

            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }

            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return chain;
            }

            public java.security.PrivateKey getPrivateKey(String alias) {
                return k.getPrivate();
            }
        };
        javax.net.ssl.TrustManager[] trustAll = {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }};
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {km}, trustAll, null);
        return ctx;
    }
}
