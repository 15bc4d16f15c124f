package cn.egov.api.portal;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.portal.SnapshotException.Check;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the portal signer vouches for: one version of one site. Every file the box may serve with
 * its SHA-256, size, content type and modification time; a version that only grows per site (the
 * box refuses anything not newer than what it has); when it was issued and until when it is meant
 * to be current; the website tree (every site, its owner, the site above it and which boxes
 * mirror it); and the manager's decisions on emergency notices.
 *
 * <p>Its bytes are canonical JSON (RFC 8785: keys sorted, no spaces; only printable ASCII strings
 * and integers up to 2^53 - 1), so the same manifest always has the same bytes, and the signature
 * covers exactly those bytes:
 * <pre>{@code
 * {"expires_at":"2027-01-03T10:00:00Z","files":[{"modified":1764756000,"path":"index.html",
 *   "sha256":"<hex>","size":5120,"type":"text/html; charset=utf-8"}],"format":"egov-portal-manifest/1",
 *  "frame_ancestors":"'self'","issued_at":"2026-12-04T10:00:00Z","mirrors":"city:1306","notices":[],
 *  "owner":"1306","parent":"www.hebei.gov.cn","site":"www.bd.gov.cn",
 *  "tree":[{"mirrors":"province:13","owner":"13","parent":"","site":"www.hebei.gov.cn"}, ...],"version":7}
 * }</pre>
 *
 * <p>An expired manifest ({@code expires_at} passed) is still served by the box, with a warning:
 * see {@code bundles/portal/README.md} on this deliberate deviation from TUF.
 *
 * @param site           this site (domain, owner, parent, mirrors)
 * @param version        positive; each snapshot of a site gets a greater version than the last
 * @param issuedAt       when it was signed
 * @param expiresAt      after this the box warns that the snapshot is not current (and keeps serving it)
 * @param frameAncestors the CSP {@code frame-ancestors} sources of this site, e.g. {@code 'self'}
 * @param tree           every site of the province's tree, this one included
 * @param notices        decisions on emergency notices of this site
 * @param files          every file, in path order, distinct paths
 */
public record PortalManifest(SiteNode site, long version, Instant issuedAt, Instant expiresAt, String frameAncestors,
                             List<SiteNode> tree, List<NoticeDecision> notices, List<SiteFile> files) {

    /** The manifest format this code writes and reads. */
    public static final String FORMAT = "egov-portal-manifest/1";
    /** Most files in one snapshot. */
    public static final int MAX_FILES = 100_000;
    /** CSP source expressions: no ';' or ',' (they would end the directive). */
    private static final Pattern SOURCES = Pattern.compile("[A-Za-z0-9'*:/._ -]{1,200}");

    public PortalManifest {
        if (site == null) {
            throw new IllegalArgumentException("manifest field 'site' is missing");
        }
        if (version <= 0 || version > SiteFile.MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("manifest field 'version' must be positive, got " + version);
        }
        if (issuedAt == null || expiresAt == null) {
            throw new IllegalArgumentException("manifest field '" + (issuedAt == null ? "issued_at" : "expires_at") + "' is missing");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("manifest expires at " + expiresAt + ", not after it was issued (" + issuedAt + ")");
        }
        if (frameAncestors == null || !SOURCES.matcher(frameAncestors).matches()) {
            throw new IllegalArgumentException("manifest field 'frame_ancestors' is not a list of CSP sources: '" + frameAncestors + "'");
        }
        tree = List.copyOf(tree);
        SiteNode self = site;
        if (tree.stream().noneMatch(n -> n.equals(self))) {
            throw new IllegalArgumentException("manifest tree does not hold site " + site.site() + " as described");
        }
        Set<String> sites = new HashSet<>();
        for (SiteNode n : tree) {
            if (!sites.add(n.site())) {
                throw new IllegalArgumentException("manifest tree lists site " + n.site() + " twice");
            }
        }
        notices = List.copyOf(notices);
        if (files == null || files.size() > MAX_FILES) {
            throw new IllegalArgumentException("manifest must list at most " + MAX_FILES + " files");
        }
        Set<String> paths = new HashSet<>();
        for (SiteFile f : files) {
            if (!paths.add(f.path())) {
                throw new IllegalArgumentException("manifest lists file " + f.path() + " twice");
            }
        }
        files = files.stream().sorted(Comparator.comparing(SiteFile::path)).toList();
    }

    /** The site's domain name. */
    public String siteName() {
        return site.site();
    }

    /** Path to file, for lookups. */
    public Map<String, SiteFile> byPath() {
        Map<String, SiteFile> m = new HashMap<>(files.size() * 2);
        files.forEach(f -> m.put(f.path(), f));
        return m;
    }

    /** Total bytes of the listed files. */
    public long totalBytes() {
        return files.stream().mapToLong(SiteFile::size).sum();
    }

    /** The decision on notice {@code id}, if the manager made one. */
    public Optional<NoticeDecision.State> decision(String id) {
        return notices.stream().filter(d -> d.id().equals(id)).map(NoticeDecision::state).findFirst();
    }

    /** The canonical bytes that are signed. */
    public byte[] toBytes() {
        List<Object> fs = new ArrayList<>(files.size());
        for (SiteFile f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("sha256", f.sha256());
            m.put("size", f.size());
            m.put("type", f.type());
            m.put("modified", f.modified());
            fs.add(m);
        }
        List<Object> nodes = new ArrayList<>();
        for (SiteNode n : tree) {
            nodes.add(node(n));
        }
        List<Object> ns = new ArrayList<>();
        for (NoticeDecision d : notices) {
            ns.add(Map.of("id", d.id(), "state", d.state().label()));
        }
        Map<String, Object> m = node(site);
        m.put("format", FORMAT);
        m.put("version", version);
        m.put("issued_at", issuedAt.toString());
        m.put("expires_at", expiresAt.toString());
        m.put("frame_ancestors", frameAncestors);
        m.put("tree", nodes);
        m.put("notices", ns);
        m.put("files", fs);
        return Canonical.bytes(m);
    }

    private static Map<String, Object> node(SiteNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", n.site());
        m.put("owner", n.owner());
        m.put("parent", n.parent());
        m.put("mirrors", n.mirrors().toString());
        return m;
    }

    /**
     * Reads manifest bytes. A malformed manifest is a {@link Check#FORMAT} error naming the field;
     * a file path that is not a plain site path a {@link Check#PATH} error naming the entry.
     * Neither the signature nor any size limit is checked here ({@link SnapshotVerifier} does).
     */
    public static PortalManifest parse(byte[] bytes) throws SnapshotException {
        Map<String, Object> m = JsonFields.object(JsonFields.parse(bytes, "manifest"), "manifest");
        String format = JsonFields.text(m, "format", "manifest");
        if (!FORMAT.equals(format)) {
            throw JsonFields.format("manifest field 'format' is '" + format + "', this box reads " + FORMAT);
        }
        SiteNode site = node(m, "manifest");
        List<SiteNode> tree = new ArrayList<>();
        List<?> ts = JsonFields.list(m, "tree", "manifest");
        for (int i = 0; i < ts.size(); i++) {
            tree.add(node(JsonFields.object(ts.get(i), "tree[" + i + "]"), "manifest tree[" + i + "]"));
        }
        List<NoticeDecision> notices = new ArrayList<>();
        List<?> ns = JsonFields.list(m, "notices", "manifest");
        for (int i = 0; i < ns.size(); i++) {
            Map<String, Object> n = JsonFields.object(ns.get(i), "notices[" + i + "]");
            String what = "manifest notices[" + i + "]";
            try {
                notices.add(new NoticeDecision(JsonFields.text(n, "id", what),
                        NoticeDecision.State.valueOf(JsonFields.text(n, "state", what).toUpperCase(java.util.Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw JsonFields.format(what + ": " + e.getMessage());
            }
        }
        List<?> fs = JsonFields.list(m, "files", "manifest");
        if (fs.size() > MAX_FILES) {
            throw JsonFields.format("manifest lists " + fs.size() + " files, more than " + MAX_FILES);
        }
        List<SiteFile> files = new ArrayList<>(fs.size());
        for (int i = 0; i < fs.size(); i++) {
            String what = "manifest files[" + i + "]";
            Map<String, Object> f = JsonFields.object(fs.get(i), what);
            String path = JsonFields.text(f, "path", what);
            Optional<String> bad = SitePath.problem(path);
            if (bad.isPresent()) {
                throw new SnapshotException(Check.PATH, what + ": " + bad.get());
            }
            try {
                files.add(new SiteFile(path, JsonFields.text(f, "sha256", what), JsonFields.integer(f, "size", what),
                        JsonFields.text(f, "type", what), JsonFields.integer(f, "modified", what)));
            } catch (IllegalArgumentException e) {
                throw JsonFields.format(what + ": " + e.getMessage());
            }
        }
        try {
            return new PortalManifest(site, JsonFields.integer(m, "version", "manifest"), instant(m, "issued_at"), instant(m, "expires_at"),
                    JsonFields.text(m, "frame_ancestors", "manifest"), tree, notices, files);
        } catch (IllegalArgumentException e) {
            throw JsonFields.format(e.getMessage());
        }
    }

    private static SiteNode node(Map<String, Object> m, String what) throws SnapshotException {
        try {
            return new SiteNode(JsonFields.text(m, "site", what), JsonFields.text(m, "owner", what), JsonFields.text(m, "parent", what),
                    PolicyScope.parse(JsonFields.text(m, "mirrors", what)));
        } catch (IllegalArgumentException e) {
            throw JsonFields.format(what + ": " + e.getMessage());
        }
    }

    private static Instant instant(Map<String, Object> m, String field) throws SnapshotException {
        String s = JsonFields.text(m, field, "manifest");
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw JsonFields.format("manifest field '" + field + "' is not an ISO-8601 instant: " + s);
        }
    }
}
