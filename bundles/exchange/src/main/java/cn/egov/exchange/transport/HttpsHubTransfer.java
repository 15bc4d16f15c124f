package cn.egov.exchange.transport;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.exchange.service.HubTransfer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * {@link HubTransfer} over HTTPS with the box's certificate: the context comes from
 * {@code TlsContexts.of(BoxCertificates.current())} (the box key, trusting the provincial CA only).
 * HTTP/1.1 with keep-alive; uploads running side by side use connections of their own.
 */
public final class HttpsHubTransfer implements HubTransfer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /** @param hubUrl the hub's document server, e.g. {@code https://manager.hebei.gov.cn:8445} */
    public HttpsHubTransfer(URI hubUrl, SSLContext boxTls, Duration timeout) {
        this.base = hubUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(boxTls).version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public Answer upload(String messageId, KuraPayload document) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri(messageId)).timeout(timeout).header("Content-Type", ExchangeWire.PAYLOAD_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(KuraPayloadCodec.encode(document))).build();
        HttpResponse<InputStream> r = send(request);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_ANSWER_BYTES);
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (r.statusCode() == 200) {
            return new Answer(null);
        }
        if (r.statusCode() == 422) {
            JsonNode n = JSON.readTree(body);
            return new Answer(n.path("reason").asText("refused by the hub"));
        }
        throw new IOException("upload of " + messageId + ": the hub answered HTTP " + r.statusCode() + " " + text);
    }

    @Override
    public byte[] fetch(String messageId, long maxBytes) throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri(messageId)).timeout(timeout).GET().build());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("fetch of " + messageId + ": the hub answered HTTP " + r.statusCode() + " "
                        + new String(in.readNBytes(512), StandardCharsets.UTF_8));
            }
            long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new IOException("fetch of " + messageId + ": " + declared + " bytes, more than " + maxBytes);
            }
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
    }

    private URI uri(String messageId) {
        return base.resolve(ExchangeWire.DOCUMENTS_PATH + messageId);
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.uri(), e);
        }
    }
}
