package cn.egov.portal.mirror;

import cn.egov.api.portal.PortalSigning;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * {@link ManagerClient} over HTTPS with the box's certificate (mutual TLS: the context comes from
 * {@code TlsContexts.of(BoxCertificates.current())}, which trusts the provincial CA only) and
 * HTTP/1.1 keep-alive, so a sync of a few hundred files reuses a handful of connections.
 */
public final class HttpsManagerClient implements ManagerClient {

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public HttpsManagerClient(URI base, SSLContext tls, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).build();
    }

    @Override
    public byte[] index() throws IOException {
        return bytes(PortalSigning.INDEX_PATH, cn.egov.api.portal.PortalIndex.MAX_BYTES);
    }

    @Override
    public byte[] snapshot(String site, int maxBytes) throws IOException {
        return bytes(PortalSigning.SNAPSHOT_PATH + site, maxBytes);
    }

    @Override
    public InputStream blob(String sha256) throws IOException {
        return open(PortalSigning.BLOB_PATH + sha256);
    }

    private byte[] bytes(String path, int maxBytes) throws IOException {
        try (InputStream in = open(path)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new TooLarge(path + ": answer larger than " + maxBytes + " bytes");
            }
            return b;
        }
    }

    private InputStream open(String path) throws IOException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching " + path, e);
        }
        if (r.statusCode() == 200) {
            return r.body();
        }
        String why;
        try (InputStream in = r.body()) {
            why = new String(in.readNBytes(512), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (r.statusCode() == 404) {
            throw new FileNotFoundException(path + ": the manager answered 404 " + why);
        }
        throw new IOException(path + ": the manager answered HTTP " + r.statusCode() + " " + why);
    }
}
