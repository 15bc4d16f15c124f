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
    @Test
    void noOtherCertificateOfTheCaGetsToTheHandler() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "box server test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            AtomicInteger handled = new AtomicInteger();
            try (BoxHttpsServer server = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("test", "127.0.0.1", 0, List.of("localhost"),
                    List.of("127.0.0.1")), null, new BoxHttpsServer.Refusals("test server"), (box, path, request, response, callback) -> {
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
