package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.support.HeldConnection;
import cn.egov.manager.support.Poll;
import cn.egov.manager.web.ConnectionLimit;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA's EST and CRL/OCSP connectors hold at most {@code ca.max-connections} open together: one more is not served until
 * one closes, and once the manager took the server over ({@link CaHttpServer#report}) the meters and the alarm show it.
 */
class CaHttpServerConnectionLimitTest {

    private static final char[] PASS = "ca connection limit test".toCharArray();
    private static final int LIMIT = 2;
    private static final long GENEROUS_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void oneConnectionOverTheLimitWaitsUntilOneClosesAndIsAlarmed() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path caDir = dir.resolve("ca");
        try (ProvincialCa ca = ProvincialCa.create(caDir, PASS, CaSettings.defaults("http://127.0.0.1:" + httpPort), HebeiPlan.names());
             CrlPublisher crls = new CrlPublisher(ca, caDir.resolve("crl"))) {
            crls.start();
            KeyStore tls = EstTlsIdentity.loadOrIssue(ca, caDir, PASS, List.of("localhost"), List.of("127.0.0.1"));
            List<HeldConnection> held = new ArrayList<>();
            try (CaHttpServer server = CaHttpServer.start(ca, crls, tls, PASS, "127.0.0.1", 0, httpPort, LIMIT)) {
                Meters meters = new Meters();
                ThrottledAlarms alarms = new ThrottledAlarms(null, 60_000, 16);
                server.report(new ConnectionLimit("CA", CaConfigKey.MAX_CONNECTIONS.key(), LIMIT, meters, "ca", alarms));
                for (int i = 0; i < LIMIT; i++) {
                    HeldConnection c = open(server);
                    held.add(c);
                    Poll.until("connection " + (i + 1) + " answered", GENEROUS_MS, c::answered);
                    assertEquals("HTTP/1.1 200 OK", c.statusLine());
                }
                Poll.until("the open-connections gauge at the limit", GENEROUS_MS, () -> meter(meters, "ca.connections.open"), v -> v == LIMIT);
                assertTrue(meter(meters, "ca.connections.limit-reached") >= 1, "the limit-reached counter moved");
                Poll.until("the alarm queued", GENEROUS_MS, () -> alarms.pending() > 0);

                HeldConnection extra = open(server);
                held.add(extra);
                assertTrue(server.connections().atLimit(), "the server stopped accepting");
                assertFalse(extra.answered(), "the connection over the limit was served: " + extra.statusLine());
                assertEquals(LIMIT, meter(meters, "ca.connections.open"));

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

    /** The CRL over plain HTTP, on a kept-open connection. */
    private static HeldConnection open(CaHttpServer server) throws Exception {
        return new HeldConnection(new Socket("127.0.0.1", server.httpPort()), "127.0.0.1:" + server.httpPort(), "/crl/issuing.crl");
    }

    private static long meter(Meters meters, String name) {
        return ((Number) meters.snapshot().get(name)).longValue();
    }
}
