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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
public final class HttpsHubTransfer implements HubTransfer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI base;
    private final SSLSocketFactory tls;
    private final int timeoutMs;

    /**
     * @param hubUrl  the hub's document server, e.g. {@code https://manager.hebei.gov.cn:8445}
     * @param timeout to connect, and for each read of the answer
     */
    public HttpsHubTransfer(URI hubUrl, SSLContext boxTls, Duration timeout) {
        this.base = hubUrl;
        this.tls = boxTls.getSocketFactory(); // one factory per box certificate: the keep-alive cache keys connections by it
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    @Override
    public Answer upload(String messageId, KuraPayload document) throws IOException {
        byte[] payload = KuraPayloadCodec.encode(document);
        HttpsURLConnection c = open(messageId, "PUT");
        c.setRequestProperty("Content-Type", ExchangeWire.PAYLOAD_TYPE);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(payload.length); // straight to the socket, not buffered for a resend
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(payload);
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
            throw e;
        }
    }

    @Override
    public byte[] fetch(String messageId, long maxBytes) throws IOException {
        HttpsURLConnection c = open(messageId, "GET");
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
            throw e;
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
}
