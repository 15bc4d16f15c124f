package cn.egov.exchange.transport;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.exchange.service.HubTransfer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link HubTransfer} over HTTPS with the box's certificate: the context comes from
 * {@code TlsContexts.of(BoxCertificates.current())} (the box key, trusting the provincial CA only).
 * HTTP/1.1 with keep-alive, blocking, on the calling thread: the JDK's {@code HttpURLConnection} keeps
 * the finished connections of this box's socket factory (up to {@code http.maxConnections}, 5 by
 * default, enough for the uploads and fetches side by side) and reuses them with their TLS session.
 * The asynchronous {@code java.net.http.HttpClient} it replaces cost about twice the CPU per megabyte
 * document (its selector and worker threads, a copy of every TLS record between them, and the
 * compilation of that machinery: bench/RESULTS.md, "document exchange", xchg2).
 */
public final class HttpsHubTransfer implements HubTransfer, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    static final String WATCHDOG_THREAD = "exchange-https-watchdog";

    private final URI base;
    private final SSLSocketFactory tls;
    private final int timeoutMs;
    /**
     * Ends a request that is not done within the timeout by closing its connection. The socket's read timeout
     * bounds each wait for the hub's bytes, but nothing bounds a write: an upload into a link that died without
     * a reset would wait for TCP to give up (about 15 minutes with Linux's defaults). One per transfer, ended by
     * {@link #close()}: a static one outlived its bundle (an idle thread left behind by every bundle restart).
     * Its thread starts with the first request; a finished request's guard leaves the queue at once, so after
     * {@code close} the thread ends as soon as no request is under way.
     */
    private final ScheduledThreadPoolExecutor watchdog;

    /**
     * @param hubUrl  the hub's document server, e.g. {@code https://manager.hebei.gov.cn:8445}
     * @param timeout to connect, for each read of the answer, and for the whole request
     */
    public HttpsHubTransfer(URI hubUrl, SSLContext boxTls, Duration timeout) {
        this.base = hubUrl;
        this.tls = new LingeringSockets(boxTls.getSocketFactory()); // one per box certificate: the keep-alive cache keys connections by it
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, WATCHDOG_THREAD);
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /**
     * Takes no more requests; those under way keep their guard until they end. Called when the box certificate
     * is replaced (a new transfer takes over) and when the exchange stops.
     */
    @Override
    public void close() {
        watchdog.shutdown();
    }

    @Override
    public Answer upload(String messageId, KuraPayload document) throws IOException {
        // the encoding's head, then the envelope from its own array: the megabyte is not copied into an encoding first
        byte[] head = KuraPayloadCodec.encodeHead(document);
        byte[] envelope = document.body() == null ? new byte[0] : document.body();
        HttpsURLConnection c = open(messageId, "PUT");
        c.setRequestProperty("Content-Type", ExchangeWire.PAYLOAD_TYPE);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode((long) head.length + envelope.length); // straight to the socket, not buffered for a resend
        Guard guard = guard(c);
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(head);
                out.write(envelope);
            }
            int status = c.getResponseCode();
            byte[] body = answer(c, status);
            if (status == 200) {
                return new Answer(null);
            }
            if (status == 422) {
                JsonNode n = JSON.readTree(body);
                return new Answer(n.path("reason").asText("refused by the hub"));
            }
            throw new IOException("upload of " + messageId + ": the hub answered HTTP " + status + " " + new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            c.disconnect(); // a connection that failed half-way is not kept for the next request
            throw guard.fired() ? new IOException("upload of " + messageId + ": not done within " + timeoutMs + " ms", e) : e;
        } finally {
            guard.cancel();
        }
    }

    @Override
    public byte[] fetch(String messageId, long maxBytes) throws IOException {
        HttpsURLConnection c = open(messageId, "GET");
        Guard guard = guard(c);
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                byte[] body = answer(c, status);
                throw new IOException("fetch of " + messageId + ": the hub answered HTTP " + status + " "
                        + new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8));
            }
            long declared = c.getContentLengthLong();
            if (declared > maxBytes) {
                throw new IOException("fetch of " + messageId + ": " + declared + " bytes, more than " + maxBytes);
            }
            try (InputStream in = c.getInputStream()) {
                if (declared >= 0) {
                    // one array of the declared length: reading to an unknown end collects a megabyte in pieces and copies them
                    byte[] b = new byte[(int) declared];
                    if (in.readNBytes(b, 0, b.length) != b.length || in.read() >= 0) {
                        throw new IOException("fetch of " + messageId + ": the body is not the " + declared + " bytes it declares");
                    }
                    return b;
                }
                byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (b.length > maxBytes) {
                    throw new IOException("fetch of " + messageId + ": more than " + maxBytes + " bytes");
                }
                return b;
            }
        } catch (IOException e) {
            c.disconnect();
            throw guard.fired() ? new IOException("fetch of " + messageId + ": not done within " + timeoutMs + " ms", e) : e;
        } finally {
            guard.cancel();
        }
    }

    /**
     * Closes {@code c} once the timeout passed; cancelled when the request ends first. Closing a TLS socket that
     * another thread writes to waits for that writer's lock, without end unless the socket lingers
     * ({@link LingeringSockets}): then it waits that long and shuts the socket's output, which ends the write.
     */
    private Guard guard(HttpsURLConnection c) throws IOException {
        Guard guard = new Guard(c);
        try {
            guard.task = watchdog.schedule(guard::fire, timeoutMs, TimeUnit.MILLISECONDS);
            return guard;
        } catch (RejectedExecutionException closed) {
            throw new IOException(c.getRequestMethod() + " " + c.getURL().getPath()
                    + ": the hub transfer is closed (the exchange stopped, or a renewed box certificate took over)");
        }
    }

    /**
     * One request's timeout. {@link #fired} is set before the connection is closed: the request's thread sees its
     * write fail while the close is still under way (it waits for the linger time), when the scheduled task is not
     * yet done, and must still report the timeout rather than the socket error it caused.
     */
    private static final class Guard {
        private final HttpsURLConnection connection;
        private final AtomicBoolean fired = new AtomicBoolean();
        private volatile ScheduledFuture<?> task;

        Guard(HttpsURLConnection connection) {
            this.connection = connection;
        }

        void fire() {
            fired.set(true);
            connection.disconnect();
        }

        boolean fired() {
            return fired.get();
        }

        void cancel() {
            task.cancel(false);
        }
    }

    private HttpsURLConnection open(String messageId, String method) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) base.resolve(ExchangeWire.DOCUMENTS_PATH + messageId).toURL().openConnection();
        c.setSSLSocketFactory(tls);
        c.setRequestMethod(method);
        c.setConnectTimeout(timeoutMs);
        c.setReadTimeout(timeoutMs);
        c.setUseCaches(false);
        return c;
    }

    /**
     * The hub's short answer (JSON), read to its end so that the connection goes back to the keep-alive cache;
     * an answer over the bound is cut and its connection closed.
     */
    private static byte[] answer(HttpsURLConnection c, int status) throws IOException {
        InputStream stream = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (stream == null) {
            return new byte[0];
        }
        try (InputStream in = stream) {
            byte[] b = in.readNBytes(MAX_ANSWER_BYTES);
            if (in.read() >= 0) {
                c.disconnect();
            }
            return b;
        }
    }

    /**
     * The box's TLS sockets with SO_LINGER set ({@value #LINGER_S} s), so that {@link #guard} can end a write that
     * hangs: the JDK's TLS socket closes with a wait for the writer's lock bounded by the linger time (unbounded
     * without it), then shuts the output down. A normal close with nothing unsent returns at once.
     */
    static final class LingeringSockets extends SSLSocketFactory {
        static final int LINGER_S = 1;
        private final SSLSocketFactory tls;

        LingeringSockets(SSLSocketFactory tls) {
            this.tls = tls;
        }

        private static Socket linger(Socket s) throws java.net.SocketException {
            s.setSoLinger(true, LINGER_S);
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return linger(tls.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return linger(tls.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return linger(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return linger(tls.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return linger(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return linger(tls.createSocket(host, port, local, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }
    }
}
