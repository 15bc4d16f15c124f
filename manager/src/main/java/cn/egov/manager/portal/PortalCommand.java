package cn.egov.manager.portal;

import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SitePath;
import cn.egov.api.portal.SnapshotException;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.web.Json;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jetty.http.MimeTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager portal ...}: the portal mirror from the command line.
 * <ul>
 *   <li>{@code publish --url URL --token-file F --site SITE [--owner CODE] --dir DIR}: lists DIR (every
 *       regular file, its SHA-256, size, content type and time), asks the running manager to sign it as
 *       the site's next version, uploads only the content the manager does not have yet, and asks again;</li>
 *   <li>{@code sites}, {@code units}, {@code notices} (same {@code --url}/{@code --token-file}): what the
 *       manager shows on {@code /portal}, as text;</li>
 *   <li>{@code decide --notice ID --action fold|withdraw}: the NOC's decision on an emergency notice;</li>
 *   <li>{@code verify --snapshot FILE --trust ROOT.pem --unit CODE --site SITE}: the box's checks on a
 *       signed snapshot, for auditors;</li>
 *   <li>{@code config-keys}: the {@code portal.*} keys of the manager's configuration.</li>
 * </ul>
 * Exit codes: 0 done, 1 refused (by the manager, or a check), 2 bad input or unreachable.
 */
@Command(name = "portal", mixinStandardHelpOptions = true,
        description = "Portal mirror: publish sites as signed snapshots, see what boxes serve, decide on emergency notices.")
public final class PortalCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    private static final Duration HTTP_TIMEOUT = Duration.ofMinutes(2);
    /** Raw bytes per upload request (base64 in JSON adds a third). */
    private static final long DEFAULT_BATCH = 4L * 1024 * 1024;

    /** The manager's web API as the NOC. */
    private record Api(String base, String token, HttpClient http) {
        static Api of(String url, Path tokenFile) throws IOException {
            return new Api(url.replaceAll("/+$", ""), Files.readString(tokenFile).strip(),
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(HTTP_TIMEOUT)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        HttpResponse<String> post(String path, byte[] json) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(HTTP_TIMEOUT)
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Sign DIR as the next version of SITE through the running manager (NOC); only changed content is uploaded.")
    int publish(@Option(names = "--url", required = true, paramLabel = "URL", description = "The manager's web address, e.g. http://127.0.0.1:8080") String url,
                @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "File holding the NOC token") Path tokenFile,
                @Option(names = "--site", required = true, paramLabel = "SITE", description = "Domain name, e.g. www.bd.gov.cn") String site,
                @Option(names = "--owner", paramLabel = "CODE", description = "Owner on the first version: 13, 1306, 130602 or 130602-001") String owner,
                @Option(names = "--frame-ancestors", paramLabel = "SOURCES", description = "CSP frame-ancestors on the first version (default: portal.frame-ancestors)") String frame,
                @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The site's files (index.html at the top)") Path dir,
                @Option(names = "--batch-bytes", defaultValue = "" + DEFAULT_BATCH, paramLabel = "N", description = "Content bytes per upload request") long batch) {
        try {
            Map<String, SiteFile> files = listing(dir);
            Api api = Api.of(url, tokenFile);
            Map<String, Object> body = new LinkedHashMap<>();
            if (owner != null) {
                body.put("owner", owner);
            }
            if (frame != null) {
                body.put("frameAncestors", frame);
            }
            body.put("files", files.values());
            byte[] listingJson = Json.MAPPER.writeValueAsBytes(body);
            String path = SitesHandler.PREFIX + "/" + site + "/snapshots";
            HttpResponse<String> r = api.post(path, listingJson);
            long uploaded = 0;
            int uploadedFiles = 0;
            if (r.statusCode() == 409) {
                Set<String> missing = new HashSet<>();
                Json.MAPPER.readTree(r.body()).path("missing").forEach(m -> missing.add(m.asText()));
                Map<String, Path> byHash = new LinkedHashMap<>();
                files.values().stream().filter(f -> missing.contains(f.sha256())).forEach(f -> byHash.putIfAbsent(f.sha256(), dir.resolve(f.path())));
                List<Map<String, String>> chunk = new ArrayList<>();
                long chunkBytes = 0;
                for (Map.Entry<String, Path> e : byHash.entrySet()) {
                    byte[] content = Files.readAllBytes(e.getValue());
                    if (!chunk.isEmpty() && chunkBytes + content.length > batch) {
                        upload(api, chunk);
                        chunk.clear();
                        chunkBytes = 0;
                    }
                    chunk.add(Map.of("sha256", e.getKey(), "content", Base64.getEncoder().encodeToString(content)));
                    chunkBytes += content.length;
                    uploaded += content.length;
                    uploadedFiles++;
                }
                if (!chunk.isEmpty()) {
                    upload(api, chunk);
                }
                r = api.post(path, listingJson);
            }
            JsonNode answer = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 201) {
                System.out.println("site " + site + " version " + answer.path("version").asLong() + ": " + answer.path("files").asLong()
                        + " files, " + answer.path("bytes").asLong() + " bytes; uploaded " + uploadedFiles + " file(s), " + uploaded
                        + " bytes; index sent to " + answer.path("units").size() + " unit(s) " + answer.path("units"));
                return OK;
            }
            System.err.println("manager answered " + r.statusCode() + ": " + answer.path("error").asText(r.body()));
            return r.statusCode() == 400 || r.statusCode() == 409 ? REFUSED : BAD_INPUT;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("cannot publish " + site + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BAD_INPUT;
        }
    }

    private static void upload(Api api, List<Map<String, String>> chunk) throws IOException, InterruptedException {
        HttpResponse<String> r = api.post("/api/portal/blobs", Json.MAPPER.writeValueAsBytes(Map.of("blobs", chunk)));
        if (r.statusCode() != 200) {
            throw new IOException("upload refused (" + r.statusCode() + "): " + Json.MAPPER.readTree(r.body()).path("error").asText(r.body()));
        }
    }

    /**
     * Every regular file under {@code dir}: path (relative, '/'), SHA-256, size, content type by
     * extension, modification time. A symbolic link, a special file or a name that is not a plain
     * site path is an error naming it: what is published is exactly what is in the folder, except
     * version control folders ({@link #VERSION_CONTROL}), which are skipped with a line saying so.
     */
    public static Map<String, SiteFile> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        Map<String, SiteFile> out = new LinkedHashMap<>();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.sorted().toList();
        }
        List<Path> vcs = paths.stream().filter(p -> underVersionControl(dir.relativize(p))).toList();
        if (!vcs.isEmpty()) {
            // a site folder that is a checkout: its history and credentials (.git/config) are not site content
            System.err.println("skipped " + vcs.stream().filter(Files::isRegularFile).count() + " file(s) of version control ("
                    + String.join(", ", VERSION_CONTROL) + "): not published");
        }
        for (Path p : paths) {
            if (underVersionControl(dir.relativize(p))) {
                continue;
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                continue;
            }
            String rel = dir.relativize(p).toString().replace('\\', '/');
            if (!a.isRegularFile()) {
                throw new IOException(p + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a regular file") + ": refused");
            }
            SitePath.problem(rel).ifPresent(why -> {
                boolean foreign = rel.chars().anyMatch(c -> c > 0x7e || c == ' ');
                throw new IllegalArgumentException(p + ": " + why + (foreign ? "; rename it: site paths are ASCII letters, digits and"
                        + " ._~+@,=- (names with spaces or Chinese characters are not supported yet)" : ""));
            });
            MessageDigest md = BlobStore.sha();
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
            }
            out.put(rel, new SiteFile(rel, HexFormat.of().formatHex(md.digest()), a.size(), contentType(rel),
                    a.lastModifiedTime().toInstant().getEpochSecond()));
        }
        if (!out.containsKey(SnapshotPublisher.HOMEPAGE)) {
            System.err.println("warning: " + dir + " has no " + SnapshotPublisher.HOMEPAGE + ": the site has no homepage");
        }
        return out;
    }

    /** Folders of version control systems: never published. */
    static final List<String> VERSION_CONTROL = List.of(".git", ".svn", ".hg");

    private static boolean underVersionControl(Path rel) {
        for (Path seg : rel) {
            if (VERSION_CONTROL.contains(seg.toString())) {
                return true;
            }
        }
        return false;
    }

    /** By extension (Jetty's table); text types in UTF-8; unknown ones as bytes. */
    static String contentType(String path) {
        String type = MimeTypes.DEFAULTS.getMimeByExtension(path);
        if (type == null) {
            return "application/octet-stream";
        }
        type = type.toLowerCase(Locale.ROOT).replace(";charset=", "; charset=");
        if (!type.contains("charset") && (type.startsWith("text/") || type.equals("application/javascript") || type.equals("application/json")
                || type.equals("image/svg+xml"))) {
            type += "; charset=utf-8";
        }
        return type;
    }

    @Command(name = "sites", mixinStandardHelpOptions = true, description = "The website tree and each site's newest version.")
    int sites(@Option(names = "--url", required = true, paramLabel = "URL") String url,
              @Option(names = "--token-file", required = true, paramLabel = "FILE") Path tokenFile) {
        return show(url, tokenFile, SitesHandler.PREFIX, "sites", List.of("site", "level", "owner", "parent", "mirrors", "version", "files", "bytes"));
    }

    @Command(name = "units", mixinStandardHelpOptions = true, description = "Per unit and site: the version the box serves and its inspection probe.")
    int units(@Option(names = "--url", required = true, paramLabel = "URL") String url,
              @Option(names = "--token-file", required = true, paramLabel = "FILE") Path tokenFile) {
        return show(url, tokenFile, "/api/portal/units", "units", List.of("unit", "site", "versionInForce", "newestVersion", "lastOutcome",
                "rejectedCheck", "reachable", "httpStatus", "snapshotAgeS", "lastModifiedAgeS", "stale", "expired"));
    }

    @Command(name = "notices", mixinStandardHelpOptions = true, description = "Emergency notices boxes published, and the decisions.")
    int notices(@Option(names = "--url", required = true, paramLabel = "URL") String url,
                @Option(names = "--token-file", required = true, paramLabel = "FILE") Path tokenFile) {
        return show(url, tokenFile, NoticesHandler.PREFIX, "notices", List.of("id", "site", "unit", "state", "title"));
    }

    private static int show(String url, Path tokenFile, String path, String field, List<String> columns) {
        try {
            HttpResponse<String> r = Api.of(url, tokenFile).get(path);
            JsonNode answer = Json.MAPPER.readTree(r.body());
            if (r.statusCode() != 200) {
                System.err.println("manager answered " + r.statusCode() + ": " + answer.path("error").asText(r.body()));
                return BAD_INPUT;
            }
            System.out.println(String.join("\t", columns));
            for (JsonNode row : answer.path(field)) {
                System.out.println(String.join("\t", columns.stream().map(c -> row.path(c).asText("")).toList()));
            }
            return OK;
        } catch (IOException e) {
            System.err.println("cannot reach the manager: " + e.getMessage());
            return BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BAD_INPUT;
        }
    }

    @Command(name = "decide", mixinStandardHelpOptions = true,
            description = "Fold an emergency notice into its site's official snapshot, or withdraw it (signs a new version).")
    int decide(@Option(names = "--url", required = true, paramLabel = "URL") String url,
               @Option(names = "--token-file", required = true, paramLabel = "FILE") Path tokenFile,
               @Option(names = "--notice", required = true, paramLabel = "ID") String id,
               @Option(names = "--action", required = true, paramLabel = "fold|withdraw") String action) {
        try {
            HttpResponse<String> r = Api.of(url, tokenFile).post(NoticesHandler.PREFIX + "/" + id,
                    Json.MAPPER.writeValueAsBytes(Map.of("action", action)));
            JsonNode answer = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 200) {
                System.out.println("notice " + id + " " + answer.path("state").asText() + ": site " + answer.path("site").asText()
                        + " version " + answer.path("version").asLong());
                return OK;
            }
            System.err.println("manager answered " + r.statusCode() + ": " + answer.path("error").asText(r.body()));
            return r.statusCode() == 400 ? REFUSED : BAD_INPUT;
        } catch (IOException e) {
            System.err.println("cannot reach the manager: " + e.getMessage());
            return BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BAD_INPUT;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Run the box's checks on a signed snapshot file and print its manifest.")
    int verify(@Option(names = "--snapshot", required = true, paramLabel = "FILE", description = "Signed snapshot (a box keeps them in its state directory)") Path file,
               @Option(names = "--trust", required = true, paramLabel = "PEM", description = "The provincial root certificate") Path trust,
               @Option(names = "--unit", required = true, paramLabel = "CODE", description = "The unit whose box would mirror it") String unit,
               @Option(names = "--site", required = true, paramLabel = "SITE", description = "The site it must be of") String site,
               @Option(names = "--max-file-bytes", defaultValue = "67108864", paramLabel = "N") long maxFileBytes) {
        try {
            List<X509Certificate> roots = new ArrayList<>();
            try (InputStream in = Files.newInputStream(trust)) {
                CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> roots.add((X509Certificate) c));
            }
            PortalManifest m = new SnapshotVerifier(roots, Clock.systemUTC())
                    .verify(SignedSnapshot.decode(Files.readAllBytes(file)), UnitCode.parse(unit), site, 0, maxFileBytes);
            System.out.println("valid: " + m.siteName() + " version " + m.version() + ", issued " + BeijingTime.of(m.issuedAt()) + ", expires " + BeijingTime.labelled(m.expiresAt())
                    + ", mirrored by " + m.site().mirrors() + ", " + m.files().size() + " files, " + m.totalBytes() + " bytes");
            return OK;
        } catch (SnapshotException e) {
            System.err.println("refused by check '" + e.check().label() + "': " + e.getMessage());
            return REFUSED;
        } catch (Exception e) {
            System.err.println("cannot verify: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    @Command(name = "config-keys", mixinStandardHelpOptions = true, description = "Print the portal.* keys with defaults and meaning.")
    int configKeys() {
        System.out.print(PortalConfigKey.sample());
        return OK;
    }
}
