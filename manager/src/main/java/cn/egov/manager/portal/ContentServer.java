package cn.egov.manager.portal;

import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.api.portal.PortalSigning;
import cn.egov.manager.ca.BoxCertificateCheck;
import cn.egov.manager.ca.BoxHttpsServer;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Where boxes fetch site snapshots: HTTPS with a certificate of the provincial CA (issued at each
 * start for {@code portal.tls.dns-names}/{@code portal.tls.ips}), and a box certificate required of
 * every client ({@link BoxCertificateCheck}). A box gets only what concerns its own unit:
 * <ul>
 *   <li>{@code GET /portal/v1/index}: the sites it mirrors and their newest versions;</li>
 *   <li>{@code GET /portal/v1/snapshots/<site>[?version=N]}: a signed snapshot of a site it mirrors;</li>
 *   <li>{@code GET /portal/v1/blobs/<sha256>}: content a kept version of a site it mirrors lists.</li>
 * </ul>
 * Anything else is 403 (another unit's site) or 404; every refusal is logged with the reason.
 */
final class ContentServer implements AutoCloseable {

    private final BoxHttpsServer http;
    final LongAdder served = new LongAdder();
    final BoxHttpsServer.Refusals refusals = new BoxHttpsServer.Refusals("portal content server");

    ContentServer(PortalSettings settings, ProvincialCa ca, PortalStore store, BlobStore blobs, IndexNotifier index, Meters meters,
                  ThrottledAlarms alarms) throws Exception {
        http = new BoxHttpsServer(ca, new BoxHttpsServer.Listen("portal", settings.bind(), settings.port(), settings.tlsDnsNames(),
                settings.tlsIps()), null, refusals, new ConnectionLimit("portal content", PortalConfigKey.MAX_CONNECTIONS.key(),
                settings.maxConnections(), meters, "portal.content", alarms), new BoxApi(store, blobs, index));
    }

    int port() {
        return http.port();
    }

    String url() {
        return http.url();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }

    private final class BoxApi implements BoxHttpsServer.BoxHandler {
        private final PortalStore store;
        private final BlobStore blobs;
        private final IndexNotifier index;

        BoxApi(PortalStore store, BlobStore blobs, IndexNotifier index) {
            this.store = store;
            this.blobs = blobs;
            this.index = index;
        }

        @Override
        public boolean handle(UnitCode unit, String path, Request request, Response response, Callback callback) throws Exception {
            if (!"GET".equals(request.getMethod())) {
                return refuse(response, callback, 405, "only GET", path, unit.toString());
            }
            if (path.equals(PortalSigning.INDEX_PATH)) {
                return ok(response, callback, "application/json", ByteBuffer.wrap(index.index(unit).encode()));
            }
            if (path.startsWith(PortalSigning.SNAPSHOT_PATH)) {
                String site = path.substring(PortalSigning.SNAPSHOT_PATH.length());
                Optional<PortalStore.Site> s = store.sites().stream().filter(x -> x.site().equals(site)).findFirst();
                if (s.isEmpty()) {
                    return refuse(response, callback, 404, "no site " + site, path, unit.toString());
                }
                if (!s.get().mirrors().includes(unit)) {
                    return refuse(response, callback, 403, "unit " + unit + " does not mirror " + site, path, unit.toString());
                }
                long version;
                try {
                    Fields q = Request.extractQueryParameters(request);
                    version = q.get("version") == null ? 0 : Long.parseLong(q.get("version").getValue());
                } catch (NumberFormatException e) {
                    return refuse(response, callback, 400, "version must be a number", path, unit.toString());
                }
                Optional<byte[]> envelope = store.envelope(site, version);
                if (envelope.isEmpty()) {
                    return refuse(response, callback, 404, "site " + site + " has no version " + version, path, unit.toString());
                }
                return ok(response, callback, "application/json", ByteBuffer.wrap(envelope.get()));
            }
            if (path.startsWith(PortalSigning.BLOB_PATH)) {
                String sha = path.substring(PortalSigning.BLOB_PATH.length());
                if (!BlobStore.isSha256(sha)) {
                    return refuse(response, callback, 404, "not a SHA-256", path, unit.toString());
                }
                Set<String> holding = store.sitesHolding(sha);
                if (holding.isEmpty() || !blobs.has(sha)) {
                    return refuse(response, callback, 404, "no such content", path, unit.toString());
                }
                boolean allowed = store.sites().stream().anyMatch(s -> holding.contains(s.site()) && s.mirrors().includes(unit));
                if (!allowed) {
                    return refuse(response, callback, 403, "no site unit " + unit + " mirrors lists this content", path, unit.toString());
                }
                Path file = blobs.path(sha);
                served.increment();
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, blobs.size(sha));
                Content.copy(Content.Source.from(file), response, callback);
                return true;
            }
            return refuse(response, callback, 404, "no such path", path, unit.toString());
        }

        private boolean ok(Response response, Callback callback, String type, ByteBuffer body) {
            served.increment();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.write(true, body, callback);
            return true;
        }

        private boolean refuse(Response response, Callback callback, int status, String why, String path, String unit) {
            return refusals.refuse(response, callback, status, why, path, unit);
        }
    }
}
