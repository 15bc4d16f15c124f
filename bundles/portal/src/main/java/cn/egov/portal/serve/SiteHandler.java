package cn.egov.portal.serve;

import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.web.UnreadBody;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.portal.notice.NoticeBoard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.ByteRange;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the mirrored sites by virtual host: the {@code Host} header picks the site (unknown names
 * get the default site, {@link ServedSites}), the path picks a file of that site's snapshot, and
 * nothing a verified manifest does not list is ever served (plus the unit's own open emergency
 * notices, {@link NoticeBoard}).
 *
 * <p>Every response names the snapshot ({@code X-Snapshot-Site}, {@code X-Snapshot-Version},
 * {@code X-Snapshot-Time}, and {@code X-Snapshot-Expired: true} past its {@code expires_at}), carries
 * {@code X-Content-Type-Options: nosniff} and the site's {@code Content-Security-Policy:
 * frame-ancestors}, and no server banner. Files are served with the manifest's content type, a strong
 * {@code ETag} from the content hash, {@code Last-Modified} from the publisher's time, conditional GET
 * ({@code If-None-Match} first, then {@code If-Modified-Since}), one byte range ({@code Range},
 * {@code If-Range}; several ranges get the whole file), and the precompressed {@code .br} or
 * {@code .gz} sibling the manifest lists when the client accepts it. {@code Cache-Control: no-cache}:
 * browsers revalidate, which costs a 304, so a swapped-in version shows at once.
 *
 * <p>A file whose content on disk no longer has its hash is refused (503 with {@code Retry-After})
 * and reported to {@code tampered}, which alarms and fetches it again.
 */
final class SiteHandler extends Handler.Abstract.NonBlocking {

    private static final String INDEX = "index.html";
    private static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
    private static final HttpField NO_CACHE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache");
    private static final HttpField REFERRER = new PreEncodedHttpField("Referrer-Policy", "strict-origin-when-cross-origin");
    private static final HttpField ACCEPT_RANGES = new PreEncodedHttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField VARY = new PreEncodedHttpField(HttpHeader.VARY, "Accept-Encoding");
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField EXPIRED = new PreEncodedHttpField("X-Snapshot-Expired", "true");
    private static final HttpField NOTICE_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    /** Formatted dates and per-snapshot headers are computed once, not per request; bounded, cleared when full. */
    private static final int MAX_MEMO = 4096;
    private static final int RETRY_AFTER_S = 30;
    /** Pages with the banner or notices inserted, by content hash, version and notices' revision. */
    private static final int MAX_INJECTED = 256;

    private final ServedSites served;
    private final ContentCache cache;
    private final NoticeBoard notices;
    private final boolean banner;
    private final BiConsumer<SiteSnapshot, SiteFile> tampered;
    private final Clock clock;
    private final Executor blocking;
    private final Map<String, byte[]> injected = new ConcurrentHashMap<>();
    /** Per site, the snapshot served last and what was worked out for it; compared by reference (a record's hashCode walks every file). */
    private final Map<String, Routes> routes = new ConcurrentHashMap<>();
    private final Map<Long, String> dates = new ConcurrentHashMap<>();

    SiteHandler(ServedSites served, ContentCache cache, NoticeBoard notices, boolean banner, BiConsumer<SiteSnapshot, SiteFile> tampered,
                Clock clock, Executor blocking) {
        this.served = served;
        this.cache = cache;
        this.notices = notices;
        this.banner = banner;
        this.tampered = tampered;
        this.clock = clock;
        this.blocking = blocking;
    }

    /** What is sent for one request: bytes in memory or a verified file on disk. */
    private record Body(ByteBuffer buffer, long length, HttpField lengthField, HttpField etag, HttpField lastModified, long modifiedMs,
                        HttpField type, HttpField encoding, boolean vary) {
    }

    /** {@link #body}'s answer when it would have to block on the selector thread. */
    private static final Body BLOCKS = new Body(null, 0, null, null, null, 0, null, null, false);

    /**
     * One file of a snapshot as it is sent, worked out on its first request and kept with the snapshot:
     * where its content is and its header fields, pre-encoded (the box runs C1 only, where building
     * and encoding these strings per request was a measurable part of serving a small file).
     */
    private record Representation(SiteFile file, Path blob, HttpField etag, HttpField length, HttpField encoding) {
    }

    /** A request path of a snapshot that names a listed file: the file and its precompressed siblings, if any. */
    private record Route(String rel, SiteFile file, boolean html, boolean index, Representation identity, Representation br, Representation gz,
                         HttpField type, HttpField lastModified) {
        boolean hasSibling() {
            return br != null || gz != null;
        }
    }

    /** A snapshot's header fields and its routes, filled as paths are asked for (only listed files: bounded by the manifest). */
    private record Routes(SiteSnapshot snapshot, HttpField[] fields, long expiresAtMs, Map<String, Route> byPath) {
    }

    /**
     * Runs on the connector's selector thread (the server's handler is non-blocking, as nginx's event
     * loop: no hand-over to a pool thread per request). A file served from its kept mapping costs one
     * {@code stat} there; whatever may block longer (hashing a file never verified or changed since,
     * reading a page to insert the banner into, alarming a tampered file) goes to {@code blocking}.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!serve(request, response, callback, false)) {
            Offload.to(blocking, request, response, callback, () -> serve(request, response, callback, true));
        }
        return true;
    }

    /** Answers the request; false, with nothing written, when that needs blocking work and {@code mayBlock} is false. */
    private boolean serve(Request request, Response response, Callback callback, boolean mayBlock) throws IOException {
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.getHeaders().add(ALLOW);
            return text(response, callback, 405, "GET and HEAD only");
        }
        SiteSnapshot snap = served.forHost(Request.getServerName(request));
        if (snap == null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_S));
            return text(response, callback, 503, "no site is mirrored on this box yet");
        }
        Routes rs = routes(snap);
        long nowMs = clock.millis();
        boolean expired = nowMs > rs.expiresAtMs();
        String path = Request.getPathInContext(request);
        Route route = route(rs, path);
        Body body = route == null ? null : body(request, snap, route, nowMs, expired, mayBlock);
        if (body == BLOCKS) {
            return false;
        }
        HttpFields.Mutable h = response.getHeaders();
        h.add(NOSNIFF);
        h.add(REFERRER);
        for (HttpField f : rs.fields()) {
            h.add(f);
        }
        if (expired) {
            h.add(EXPIRED);
        }
        if (route == null) {
            String rel = relative(path);
            Optional<EmergencyNotice> n = notices.at(snap.site(), rel);
            if (n.isEmpty()) {
                if (snap.files().containsKey(rel + "/" + INDEX)) {
                    h.put(HttpHeader.LOCATION, path + "/");
                    return text(response, callback, 301, "moved to " + path + "/");
                }
                return text(response, callback, 404, "not found on " + snap.site());
            }
            byte[] page = notices.page(n.get());
            long issued = n.get().issuedAt().toEpochMilli();
            body = new Body(ByteBuffer.wrap(page), page.length, null, new HttpField(HttpHeader.ETAG, "\"n-" + n.get().id() + "\""),
                    new HttpField(HttpHeader.LAST_MODIFIED, httpDate(issued)), issued, NOTICE_TYPE, null, false);
        } else if (body == null) {
            tampered.accept(snap, route.file());
            h.put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_S));
            return text(response, callback, 503, "this page is being restored; try again shortly");
        }
        // the response's headers so far are the fixed ones above: add, not put (put searches the list first)
        h.add(NO_CACHE);
        h.add(ACCEPT_RANGES);
        h.add(body.etag());
        h.add(body.lastModified());
        if (body.vary()) {
            h.add(VARY);
        }
        HttpFields requestHeaders = request.getHeaders();
        if (notModified(requestHeaders, body)) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        h.add(body.type());
        if (body.encoding() != null) {
            h.add(body.encoding());
        }
        long offset = 0;
        long length = body.length();
        boolean partial = false;
        if (requestHeaders.contains(HttpHeader.RANGE) && ifRangeHolds(requestHeaders, body)) {
            List<ByteRange> ranges = ByteRange.parse(requestHeaders.getValuesList(HttpHeader.RANGE), body.length());
            if (ranges.isEmpty()) {
                h.put(HttpHeader.CONTENT_RANGE, ByteRange.toNonSatisfiableHeaderValue(body.length()));
                return text(response, callback, 416, "range not satisfiable");
            }
            if (ranges.size() == 1) {
                ByteRange r = ranges.get(0);
                offset = r.first();
                length = r.getLength();
                partial = true;
                h.put(HttpHeader.CONTENT_RANGE, r.toHeaderValue(body.length()));
            }
        }
        response.setStatus(partial ? 206 : 200);
        h.add(partial || body.lengthField() == null ? new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, length) : body.lengthField());
        if (head) {
            response.write(true, null, callback);
        } else {
            ByteBuffer b = body.buffer().duplicate();
            b.position((int) offset).limit((int) (offset + length));
            response.write(true, b, callback);
        }
        return true;
    }

    /**
     * The representation to send: the precompressed sibling when accepted, the page with banner or
     * notices, or the file; null when the file is not what was verified (tampered, missing);
     * {@link #BLOCKS} when finding out needs blocking work and {@code mayBlock} is false.
     */
    private Body body(Request request, SiteSnapshot snap, Route route, long nowMs, boolean expired, boolean mayBlock) throws IOException {
        SiteFile file = route.file();
        List<EmergencyNotice> open = route.index() ? notices.active(snap.site()) : List.of();
        boolean inject = route.html() && (banner || !open.isEmpty());
        Representation chosen = route.identity();
        if (!inject && route.hasSibling()) {
            String encoding = encoding(request.getHeaders(), route.br() != null, route.gz() != null);
            if (encoding != null) {
                chosen = "br".equals(encoding) ? route.br() : route.gz();
            }
        }
        if (!mayBlock) {
            ByteBuffer kept = inject ? null : cache.kept(chosen.file().sha256(), chosen.blob());
            return kept == null ? BLOCKS : fileBody(kept, route, chosen);
        }
        ContentCache.Read read = cache.read(chosen.file().sha256(), chosen.file().size(), chosen.blob());
        if (read.state() != VerifiedBlobs.State.OK) {
            return null;
        }
        if (inject) {
            byte[] page = read.bytes();
            String key = file.sha256() + " " + snap.version() + " " + notices.revision() + " " + expired;
            byte[] out = injected.get(key);
            if (out == null) {
                if (injected.size() >= MAX_INJECTED) {
                    injected.clear();
                }
                out = HtmlInjector.inject(page, snap, banner, open, Instant.ofEpochMilli(nowMs));
                injected.put(key, out);
            }
            return new Body(ByteBuffer.wrap(out), out.length, null, new HttpField(HttpHeader.ETAG, "\"" + file.sha256().substring(0, 32) + "-v"
                    + snap.version() + "-n" + notices.revision() + "\""), route.lastModified(), file.modified() * 1000, route.type(), null,
                    route.hasSibling());
        }
        return fileBody(read.buffer(), route, chosen);
    }

    private static Body fileBody(ByteBuffer content, Route route, Representation chosen) {
        return new Body(content, chosen.file().size(), chosen.length(), chosen.etag(), route.lastModified(), route.file().modified() * 1000,
                route.type(), chosen.encoding(), route.hasSibling());
    }

    /** The request path as a path of the manifest: without the leading slash, a folder's {@code index.html}. */
    private static String relative(String path) {
        String rel = path.length() > 1 ? path.substring(1) : "";
        return rel.isEmpty() || rel.endsWith("/") ? rel + INDEX : rel;
    }

    /** The snapshot's worked-out header fields and routes (the served snapshot of a site changes only at a swap). */
    private Routes routes(SiteSnapshot s) {
        Routes memo = routes.get(s.site());
        if (memo == null || memo.snapshot() != s) {
            memo = new Routes(s, new HttpField[]{
                    new PreEncodedHttpField("Content-Security-Policy", "frame-ancestors " + s.manifest().frameAncestors()),
                    new PreEncodedHttpField("X-Snapshot-Site", s.site()),
                    new PreEncodedHttpField("X-Snapshot-Version", Long.toString(s.version())),
                    new PreEncodedHttpField("X-Snapshot-Time", s.issuedAt().toString())},
                    s.manifest().expiresAt().toEpochMilli(), new ConcurrentHashMap<>());
            routes.put(s.site(), memo);
        }
        return memo;
    }

    /** The route of a request path, null when the snapshot lists no such file. */
    private Route route(Routes rs, String path) {
        Route r = rs.byPath().get(path);
        if (r != null) {
            return r;
        }
        String rel = relative(path);
        Map<String, SiteFile> files = rs.snapshot().files();
        SiteFile file = files.get(rel);
        if (file == null) {
            return null; // not remembered: the paths asked for in vain are not bounded
        }
        boolean index = INDEX.equals(rel) || rel.endsWith("/" + INDEX);
        // one ETag per representation: a cache must not answer a gzip request with identity bytes
        r = new Route(rel, file, file.type().startsWith("text/html"), index, representation(file, null), representation(files.get(rel + ".br"), "br"),
                representation(files.get(rel + ".gz"), "gzip"), new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, file.type()),
                new PreEncodedHttpField(HttpHeader.LAST_MODIFIED, httpDate(file.modified() * 1000)));
        rs.byPath().put(path, r);
        return r;
    }

    private Representation representation(SiteFile f, String encoding) {
        if (f == null) {
            return null;
        }
        return new Representation(f, cache.blob(f.sha256()), new PreEncodedHttpField(HttpHeader.ETAG, "\"" + f.sha256().substring(0, 32) + "\""),
                new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, f.size()),
                encoding == null ? null : new PreEncodedHttpField(HttpHeader.CONTENT_ENCODING, encoding));
    }

    private String httpDate(long ms) {
        String d = dates.get(ms);
        if (d == null) {
            if (dates.size() >= MAX_MEMO) {
                dates.clear();
            }
            d = DateGenerator.formatDate(ms);
            dates.put(ms, d);
        }
        return d;
    }

    /**
     * The coding to send: of what the client accepts at its highest weight that has a sibling, br
     * before gzip (smaller); {@code *} stands for either. Null: the file itself.
     */
    static String encoding(HttpFields headers, boolean haveBr, boolean haveGzip) {
        List<String> values = headers.getValuesList(HttpHeader.ACCEPT_ENCODING);
        if (values.isEmpty()) {
            return null;
        }
        QuotedQualityCSV q = new QuotedQualityCSV();
        values.forEach(q::addValue);
        double level = -1;
        boolean br = false;
        boolean gzip = false;
        for (QuotedQualityCSV.QualityValue v : q.getQualityValues()) {
            if (!v.isAcceptable()) {
                continue;
            }
            if (v.getWeight() != level) {
                if (br || gzip) {
                    break; // the best level that offers something wins
                }
                level = v.getWeight();
            }
            String name = v.getValue().toLowerCase(java.util.Locale.ROOT);
            br |= haveBr && (name.equals("br") || name.equals("*"));
            gzip |= haveGzip && (name.equals("gzip") || name.equals("*"));
        }
        return br ? "br" : gzip ? "gzip" : null;
    }

    /** RFC 9110 §13.2.2: If-None-Match (weak comparison) decides when present, else If-Modified-Since. */
    private static boolean notModified(HttpFields headers, Body body) {
        String inm = headers.get(HttpHeader.IF_NONE_MATCH);
        if (inm != null) {
            for (String tag : inm.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || weak(t).equals(weak(body.etag().getValue()))) {
                    return true;
                }
            }
            return false;
        }
        long ims = headers.getDateField(HttpHeader.IF_MODIFIED_SINCE);
        return ims != -1 && body.modifiedMs() / 1000 <= ims / 1000;
    }

    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    /** If-Range: the range applies only to the representation named (strong ETag or exact date). */
    private boolean ifRangeHolds(HttpFields headers, Body body) {
        String ir = headers.get(HttpHeader.IF_RANGE);
        if (ir == null) {
            return true;
        }
        if (ir.startsWith("\"") || ir.startsWith("W/")) {
            return ir.equals(body.etag().getValue());
        }
        return ir.equals(body.lastModified().getValue());
    }

    private static boolean text(Response response, Callback callback, int status, String message) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
