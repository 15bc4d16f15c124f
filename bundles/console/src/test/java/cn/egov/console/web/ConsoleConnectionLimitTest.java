package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.web.ConnectionCap;
import cn.egov.console.tls.BootstrapCertificate;
import cn.egov.console.tls.ConsoleTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console holds at most {@code console.max.connections} open (real TLS connections): one more is not served until one
 * closes, the gauge and the counter show it, and the {@code http.connection-limit} alarm is raised.
 */
class ConsoleConnectionLimitTest {

    private static final int LIMIT = 2;
    private static final long GENEROUS_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void oneConnectionOverTheLimitWaitsUntilOneClosesAndIsAlarmed() throws Exception {
        BootstrapCertificate bootstrap = BootstrapCertificate.loadOrCreate(dir.resolve("bootstrap.p12"), "130602-001");
        List<Alarm> alarms = new CopyOnWriteArrayList<>();
        Handler ok = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Response.writeError(request, response, callback, 204);
                return true;
            }
        };
        ConsoleServer server = new ConsoleServer(new ConsoleServer.Settings("127.0.0.1", 0, 8, 30_000, LIMIT),
                new ConsoleTls(bootstrap, Optional::empty), ok, alarms::add);
        server.start();
        SSLContext trust = trusting(bootstrap);
        List<Held> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                Held c = new Held(trust, server.port());
                held.add(c);
                poll("connection " + (i + 1) + " answered", c::answered);
                assertTrue(c.status.get().startsWith("HTTP/1.1 204"), c.status.get());
            }
            poll("the open-connections gauge at the limit", () -> server.connections().open() == LIMIT);
            assertTrue(server.connections().timesReached() >= 1, "the limit-reached counter moved");
            poll("the alarm", () -> !alarms.isEmpty());
            assertEquals(ConnectionCap.CONNECTION_LIMIT_ALARM, alarms.get(0).kind());
            assertEquals(Integer.toString(LIMIT), alarms.get(0).evidence().get("max_connections"));

            Held extra = new Held(trust, server.port());
            held.add(extra);
            assertTrue(server.connections().atLimit(), "the console stopped accepting");
            assertFalse(extra.answered(), "the connection over the limit was served: " + extra.status.get());
            assertEquals(LIMIT, server.connections().open());

            held.get(0).socket.close();
            poll("the connection over the limit served once one closed", extra::answered);
            assertTrue(extra.status.get().startsWith("HTTP/1.1 204"), extra.status.get());
        } finally {
            for (Held c : held) {
                c.socket.close();
            }
            server.close();
        }
    }

    /** A TLS connection kept open after its first answer; its request is written and answer read on its own thread. */
    private static final class Held {
        final Socket socket;
        final AtomicReference<String> status = new AtomicReference<>();

        Held(SSLContext trust, int port) throws IOException {
            socket = trust.getSocketFactory().createSocket("127.0.0.1", port);
            Thread t = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
                    status.set(line == null ? "closed" : line);
                } catch (IOException e) {
                    status.compareAndSet(null, "failed: " + e);
                }
            }, "held-connection");
            t.setDaemon(true);
            t.start();
        }

        boolean answered() {
            return status.get() != null;
        }
    }

    private static SSLContext trusting(BootstrapCertificate bootstrap) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("console", bootstrap.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);
        return trust;
    }

    /** Waits with a generous bound (a bound on test time, not a speed assertion). */
    private static void poll(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GENEROUS_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + GENEROUS_MS + " ms waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
