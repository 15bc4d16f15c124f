package cn.egov.appliance.update;

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
 * Downloads from the manager over HTTPS with the box's certificate (the manager's download server
 * requires it and serves a box only the updates it was sent). HTTP/1.1, a connect timeout; the body
 * is read as a stream (the agent bounds it).
 */
public final class HttpsDownloads implements UpdateAgent.Downloads {

    /** Most of an error body read into the message. */
    private static final int ERROR_BYTES = 512;

    private final HttpClient http;
    private final Duration timeout;

    /** @param tls the box's key and certificate, trusting the provincial CA */
    public HttpsDownloads(SSLContext tls, Duration timeout) {
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    @Override
    public InputStream open(URI url) throws IOException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r.statusCode() != 200) {
            try (InputStream in = r.body()) {
                String body = new String(in.readNBytes(ERROR_BYTES), StandardCharsets.UTF_8).strip();
                throw new IOException("HTTP " + r.statusCode() + " " + body);
            }
        }
        return r.body();
    }
}
