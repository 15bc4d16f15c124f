package cn.egov.manager.portal;

import cn.egov.manager.web.Json;
import cn.egov.manager.web.BodyTooLargeException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/portal/blobs} (NOC only): content for the sites, by hash, before the listing
 * that names it is published: {@code {"blobs": [{"sha256": "<hex>", "content": "<base64>"}, ...]}}
 * (JSON, as every state-changing request of the web server must be). Each blob is stored only when
 * its SHA-256 is the one given ({@link BlobStore}); the first wrong one stops the request with 400
 * naming it (the ones before it are kept: content is harmless until a signed version lists it).
 * Answers {@code {"stored": n, "present": m}}.
 */
final class BlobsHandler implements Request.Handler {

    private final BlobStore blobs;
    private final long maxFileBytes;

    /** The body's bound is the route's ({@code WebRoute.Writes}); the dispatcher answers 413 past it. */
    BlobsHandler(BlobStore blobs, long maxFileBytes) {
        this.blobs = blobs;
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return Json.error(response, callback, 405, "POST {\"blobs\": [{\"sha256\", \"content\"}]}");
        }
        int stored = 0;
        int present = 0;
        int i = 0;
        // streamed: one blob in memory at a time
        try (InputStream in = Content.Source.asInputStream(request); JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"blobs".equals(p.currentName())
                    || p.nextToken() != JsonToken.START_ARRAY) {
                return Json.error(response, callback, 400, "body must be {\"blobs\": [{\"sha256\": ..., \"content\": ...}]}");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String sha = null;
                byte[] content = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if ("sha256".equals(field)) {
                        sha = p.getValueAsString();
                    } else if ("content".equals(field)) {
                        try {
                            content = Base64.getDecoder().decode(p.getValueAsString(""));
                        } catch (IllegalArgumentException e) {
                            return Json.error(response, callback, 400, "blobs[" + i + "].content is not base64");
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                if (!BlobStore.isSha256(sha) || content == null) {
                    return Json.error(response, callback, 400, "blobs[" + i + "] needs sha256 (64 lower-case hex digits) and content");
                }
                try {
                    if (blobs.put(sha, new ByteArrayInputStream(content), maxFileBytes)) {
                        stored++;
                    } else {
                        present++;
                    }
                } catch (BodyTooLargeException e) {
                    throw e;
                } catch (IOException e) {
                    return Json.error(response, callback, 400, "blobs[" + i + "]: " + e.getMessage());
                }
                i++;
            }
        } catch (IOException e) {
            PortalPart.rethrowTooLarge(e);
            return Json.error(response, callback, 400, "body is not valid JSON at blob " + i + ": " + PortalPart.jsonProblem(e));
        }
        return Json.write(response, callback, 200, Map.of("stored", stored, "present", present));
    }
}
