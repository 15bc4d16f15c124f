package cn.egov.manager.update;

import cn.egov.manager.web.ConnectionLimit;
import cn.egov.api.policy.PolicyScope;
import cn.egov.manager.ca.BoxCertificateCheck;
import cn.egov.manager.ca.BoxHttpsServer;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where boxes download update files: HTTPS with a certificate of the provincial CA (issued at each
 * start for {@code update.tls.dns-names}/{@code update.tls.ips}), a box certificate required of every
 * client ({@link BoxCertificateCheck}: valid, not revoked, the unit from it). {@code GET
 * /updates/v1/<serial>} serves the file only to a box that was sent a request for that update and is
 * inside the scope it is signed for; any other box gets 403, every refusal logged with the reason.
 */
final class UpdateFileServer implements AutoCloseable {

    static final String PATH = "/updates/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(UpdateFileServer.class);

    private final BoxHttpsServer http;
    final LongAdder served = new LongAdder();
    final BoxHttpsServer.Refusals refusals = new BoxHttpsServer.Refusals("update download server");

    UpdateFileServer(BoxHttpsServer.Listen listen, ConnectionLimit connectionLimit, ProvincialCa ca, BoxUpdateSigner updates,
                     UpdatePushes pushes, UpdateFiles files) throws Exception {
        http = new BoxHttpsServer(ca, listen, null, refusals, connectionLimit, new FileHandler(updates, pushes, files));
    }

    int port() {
        return http.port();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }

    private final class FileHandler implements BoxHttpsServer.BoxHandler {
        private final BoxUpdateSigner updates;
        private final UpdatePushes pushes;
        private final UpdateFiles files;

        FileHandler(BoxUpdateSigner updates, UpdatePushes pushes, UpdateFiles files) {
            this.updates = updates;
            this.pushes = pushes;
            this.files = files;
        }

        @Override
        public boolean handle(UnitCode unit, String path, Request request, Response response, Callback callback) throws Exception {
            if (!"GET".equals(request.getMethod())) {
                return refuse(response, callback, 405, "only GET", path, unit.toString());
            }
            long serial;
            try {
                serial = path.startsWith(PATH) ? Long.parseLong(path.substring(PATH.length())) : -1;
            } catch (NumberFormatException e) {
                serial = -1;
            }
            if (serial < 1) {
                return refuse(response, callback, 404, "no such path", path, unit.toString());
            }
            Optional<BoxUpdateSigner.Issued> issued = updates.issued(serial);
            Path file = files.path(serial);
            if (issued.isEmpty() || !Files.isRegularFile(file)) {
                return refuse(response, callback, 404, "no update serial " + serial, path, unit.toString());
            }
            PolicyScope scope = issued.get().scope();
            if (!scope.includes(unit)) {
                return refuse(response, callback, 403, "unit " + unit + " is not in update serial " + serial + "'s scope " + scope, path,
                        unit.toString());
            }
            if (!pushes.requested(unit.toString(), serial)) {
                return refuse(response, callback, 403, "unit " + unit + " was not sent update serial " + serial, path, unit.toString());
            }
            served.increment();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Files.size(file));
            LOG.info("update serial {} served to unit {}", serial, unit);
            Content.copy(Content.Source.from(file), response, callback);
            return true;
        }

        private boolean refuse(Response response, Callback callback, int status, String why, String path, String unit) {
            return refusals.refuse(response, callback, status, why, path, unit);
        }
    }
}
