package cn.egov.appliance.cli;

import cn.egov.api.json.JsonValues;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance portal status|notice|rollback|sync}: the running box's portal mirror, through its
 * loopback admin endpoint. The endpoint's address and token are in {@code <state>/admin.json},
 * readable by root only: whoever can read it may act; nobody else on the box or the LAN can.
 * Exit codes: 0 done, 1 refused (the answer says why), 2 the mirror is not running or bad input.
 */
@Command(name = "portal", mixinStandardHelpOptions = true,
        description = "The box's portal mirror: what it serves, emergency notices during an outage, rollback, sync now.")
public final class PortalCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int NOT_RUNNING = 2;
    private static final String DEFAULT_STATE = "/var/lib/egov/portal";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Sites served: version, time, expiry, open notices, kept versions.")
    int status(@Option(names = "--state", defaultValue = DEFAULT_STATE, paramLabel = "DIR",
            description = "The mirror's state directory (state.directory of cn.egov.portal; default: ${DEFAULT-VALUE})") Path state) {
        return call(state, "GET", "/admin/status", null);
    }

    @Command(name = "notice", mixinStandardHelpOptions = true,
            description = {"Publish an emergency notice on this unit's own site: served at once, signed with the box's key,",
                    "sent to the manager when the link returns (which folds it into the site or withdraws it)."})
    int notice(@Option(names = "--state", defaultValue = DEFAULT_STATE, paramLabel = "DIR") Path state,
               @Option(names = "--site", required = true, paramLabel = "SITE", description = "e.g. www.jingxiu.gov.cn") String site,
               @Option(names = "--title", required = true, paramLabel = "TEXT", description = "One line") String title,
               @Option(names = "--text", paramLabel = "TEXT", description = "The notice (plain text)") String text,
               @Option(names = "--file", paramLabel = "FILE", description = "Read the notice from a UTF-8 text file") Path file) {
        try {
            String body = file != null ? Files.readString(file, StandardCharsets.UTF_8) : text == null ? "" : text;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", site);
            m.put("title", title);
            m.put("body", body);
            return call(state, "POST", "/admin/notices", JsonValues.canonical(m));
        } catch (IOException e) {
            System.err.println("appliance portal: cannot read " + file + ": " + e.getMessage());
            return NOT_RUNNING;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Serve an older kept version of a site (the manager cannot push that version again; a newer one replaces it).")
    int rollback(@Option(names = "--state", defaultValue = DEFAULT_STATE, paramLabel = "DIR") Path state,
                 @Option(names = "--site", required = true, paramLabel = "SITE") String site,
                 @Option(names = "--to-version", required = true, paramLabel = "N", description = "A kept version (appliance portal status lists them)") long version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", site);
        m.put("version", version);
        return call(state, "POST", "/admin/rollback", JsonValues.canonical(m));
    }

    @Command(name = "sync", mixinStandardHelpOptions = true, description = "Ask the manager for new versions now.")
    int sync(@Option(names = "--state", defaultValue = DEFAULT_STATE, paramLabel = "DIR") Path state) {
        return call(state, "POST", "/admin/sync", "{}");
    }

    private static int call(Path state, String method, String path, String json) {
        Path admin = state.resolve("admin.json");
        Map<?, ?> where;
        try {
            where = (Map<?, ?>) JsonValues.parse(Files.readString(admin, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            System.err.println("appliance portal: the mirror is not running with state directory " + state + " (" + admin + ": "
                    + e.getMessage() + ")");
            return NOT_RUNNING;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(where.get("url") + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + where.get("token"));
        if (json != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            System.out.println(pretty(JsonValues.parse(r.body()), ""));
            return r.statusCode() / 100 == 2 ? OK : r.statusCode() == 401 || r.statusCode() >= 500 ? NOT_RUNNING : REFUSED;
        } catch (IOException e) {
            System.err.println("appliance portal: the mirror's admin endpoint " + where.get("url") + " does not answer: " + e.getMessage());
            return NOT_RUNNING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_RUNNING;
        }
    }

    /** The answer as indented "key: value" lines, for a person at the box. */
    static String pretty(Object v, String indent) {
        StringBuilder b = new StringBuilder();
        pretty(b, v, indent);
        return b.toString().stripTrailing();
    }

    private static void pretty(StringBuilder b, Object v, String indent) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> {
                if (x instanceof Map<?, ?> || x instanceof List<?> l && l.stream().anyMatch(e -> e instanceof Map<?, ?>)) {
                    b.append(indent).append(k).append(":\n");
                    pretty(b, x, indent + "  ");
                } else {
                    b.append(indent).append(k).append(": ").append(x).append('\n');
                }
            });
        } else if (v instanceof List<?> l) {
            for (Object x : l) {
                b.append(indent).append("-\n");
                pretty(b, x, indent + "  ");
            }
        } else {
            b.append(indent).append(v).append('\n');
        }
    }
}
