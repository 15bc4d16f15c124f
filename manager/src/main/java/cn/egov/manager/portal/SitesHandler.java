package cn.egov.manager.portal;

import cn.egov.api.portal.SiteFile;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/portal/sites}: every registered site with its place in the tree and newest version.
 * {@code GET /api/portal/sites/<site>}: its kept versions.
 * {@code POST /api/portal/sites/<site>/snapshots} (NOC only): signs a new version listing
 * {@code {"owner": "1306", "frameAncestors": "'self'", "files": [{"path", "sha256", "size", "type", "modified"}]}}
 * ({@code owner} on the first version only). Answers 201 with the version and the units told,
 * 409 with {@code missing} (content to upload first, {@code POST /api/portal/blobs}), 400 naming
 * the entry that is wrong, 503 without the provincial CA.
 */
final class SitesHandler implements Request.Handler {

    static final String PREFIX = "/api/portal/sites";
    private static final String SNAPSHOTS = "/snapshots";

    private final PortalStore store;
    private final SnapshotPublisher publisher;

    /** Who may POST and the body's bound are the route's ({@code WebRoute.Writes}: NOC). */
    SitesHandler(PortalStore store, SnapshotPublisher publisher) {
        this.store = store;
        this.publisher = publisher;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String rest = path.length() > PREFIX.length() ? path.substring(PREFIX.length() + 1) : "";
        if ("GET".equals(request.getMethod())) {
            if (rest.isEmpty()) {
                return Json.write(response, callback, 200, Map.of("sites", PortalViews.sites(store)));
            }
            List<PortalStore.Version> versions = store.versions(rest);
            if (versions.isEmpty()) {
                return Json.error(response, callback, 404, "no site " + rest);
            }
            return Json.write(response, callback, 200, Map.of("site", rest, "versions", versions));
        }
        if (!"POST".equals(request.getMethod()) || !rest.endsWith(SNAPSHOTS)) {
            return Json.error(response, callback, 405, "GET " + PREFIX + "[/<site>], or POST " + PREFIX + "/<site>" + SNAPSHOTS);
        }
        if (!publisher.canSign()) {
            return Json.error(response, callback, 503, "portal signing is not configured: the manager runs without the provincial CA"
                    + " (set ca.passphrase-file)");
        }
        String site = rest.substring(0, rest.length() - SNAPSHOTS.length());
        JsonNode body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = Json.MAPPER.readTree(in);
        } catch (Exception e) {
            PortalPart.rethrowTooLarge(e);
            return Json.error(response, callback, 400, "body must be JSON {\"owner\": ..., \"files\": [...]}: " + PortalPart.jsonProblem(e));
        }
        if (body == null || !body.path("files").isArray()) {
            return Json.error(response, callback, 400, "field 'files' must be a list of {path, sha256, size, type, modified}");
        }
        List<SiteFile> files = new ArrayList<>();
        int i = 0;
        for (JsonNode f : body.path("files")) {
            try {
                if (!f.path("size").canConvertToLong() || !f.path("modified").canConvertToLong()) {
                    throw new IllegalArgumentException("size and modified must be whole numbers");
                }
                files.add(new SiteFile(f.path("path").asText(null), f.path("sha256").asText(null), f.path("size").asLong(),
                        f.path("type").asText(null), f.path("modified").asLong()));
            } catch (IllegalArgumentException e) {
                return Json.error(response, callback, 400, "files[" + i + "]: " + e.getMessage());
            }
            i++;
        }
        try {
            SnapshotPublisher.Published p = publisher.publish(site, body.path("owner").asText(null), body.path("frameAncestors").asText(null),
                    files, Caller.of(request).name());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("site", site);
            out.put("version", p.version().version());
            out.put("files", p.version().files());
            out.put("bytes", p.version().bytes());
            out.put("sha256", p.version().sha256());
            out.put("units", p.units());
            return Json.write(response, callback, 201, out);
        } catch (SnapshotPublisher.Refused e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.getMessage());
            out.put("missing", e.missing());
            return Json.write(response, callback, e.missing().isEmpty() ? 400 : 409, out);
        }
    }
}
