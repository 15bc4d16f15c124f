package cn.egov.manager.update;

import cn.egov.manager.ca.BoxHttpsServer;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.api.text.LogSafe;
import cn.egov.api.update.UpdateWire;
import cn.egov.manager.account.Role;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.WebRoute;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Box updates over MQTT, Kura's request/response style: an operator pushes an update signed with
 * {@code manager update sign} to a scope ({@code POST /api/updates/<serial>/push}); each box of the
 * scope gets a request on {@code $EDC/<account>/<unit>/UPDATE/EXEC/install} naming the file's
 * SHA-256, size and URL on the download server ({@link UpdateFileServer}, box certificates only);
 * the box downloads it, installs it with its updater and reports on {@code <account>/<unit>/UPDATE/progress};
 * the part records each box's state ({@code GET /api/updates}).
 */
public final class UpdatePart implements ManagerPart {

    static final String API = "/api/updates";
    private static final Logger LOG = LoggerFactory.getLogger(UpdatePart.class);
    private static final List<KeySpec> KEYS = List.of(
            new KeySpec("update.dir", "", "Folder of the signed update files boxes download (<serial>.update; 'manager update sign' "
                    + "puts each there). Empty means <data.dir>/updates.", KeySpec.TEXT),
            new KeySpec("update.bind", "127.0.0.1", "Address of the download server boxes fetch update files from (HTTPS, box certificate required).",
                    KeySpec.TEXT),
            new KeySpec("update.port", "", "Port of the download server (needs ca.passphrase-file); empty = none (updates cannot be pushed), "
                    + "0 = a free port.", KeySpec.port(true)),
            new KeySpec("update.url", "", "The download server as boxes reach it (https://host:port, through the tunnel); empty = "
                    + "https://<first of update.tls.dns-names, else of update.tls.ips>:<port>.", v -> v.isEmpty() || v.startsWith("https://")
                    ? null : "must be an https:// URL, got '" + v + "'"),
            new KeySpec("update.max-connections", "512", "Most connections the download server holds open at once; at the limit it stops accepting (further boxes wait unserved until one closes) and raises the http.connection-limit alarm.",
                    KeySpec.between(1, 1_000_000)),
            new KeySpec("update.tls.dns-names", "localhost", "Comma-separated DNS names in the download server's certificate (issued by the "
                    + "provincial CA at each start).", KeySpec.TEXT),
            new KeySpec("update.tls.ips", "127.0.0.1", "Comma-separated IP addresses in the download server's certificate.", KeySpec.TEXT));

    private final ProvincialCa ca;
    private volatile UpdatePushes pushes;
    private UpdateFileServer server;
    private final LongAdder reports = new LongAdder();
    private final LongAdder reportsRefused = new LongAdder();

    /** @param ca the provincial CA (the download server's certificate, the boxes' check), or null: no download server */
    public UpdatePart(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public String name() {
        return "update";
    }

    /** Each box's newest push and its state, for the fleet and NOC pages (none before this part has started). */
    public cn.egov.manager.fleet.BoxUpdates boxUpdates() {
        return new cn.egov.manager.fleet.BoxUpdates() {
            @Override
            public java.util.Map<String, cn.egov.manager.fleet.BoxUpdateState> newest() throws java.sql.SQLException {
                UpdatePushes p = pushes;
                return p == null ? java.util.Map.of() : p.newest();
            }

            @Override
            public java.util.Optional<cn.egov.manager.fleet.BoxUpdateState> newest(String unit) throws java.sql.SQLException {
                UpdatePushes p = pushes;
                return p == null ? java.util.Optional.empty() : p.newest(unit);
            }
        };
    }

    @Override
    public List<KeySpec> keys() {
        return KEYS;
    }

    @Override
    public List<String> migrations() {
        return BoxUpdateSigner.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        Clock clock = Clock.systemUTC();
        String dir = ctx.key("dir");
        UpdateFiles files = new UpdateFiles(dir.isEmpty() ? filesDir(ctx.config().dataDir()) : Path.of(dir));
        BoxUpdateSigner updates = new BoxUpdateSigner(ctx.database(), null, clock);
        UpdatePushes pushes = new UpdatePushes(ctx.database());
        this.pushes = pushes;
        URI base = null;
        if (ca == null) {
            LOG.warn("update: no provincial CA (ca.passphrase-file): no download server, updates cannot be pushed");
        } else if (ctx.key("port").isEmpty()) {
            LOG.info("update: no download server (update.port is not set): updates cannot be pushed");
        } else {
            List<String> dns = list(ctx.key("tls.dns-names"));
            List<String> ips = list(ctx.key("tls.ips"));
            server = new UpdateFileServer(new BoxHttpsServer.Listen("update", ctx.key("bind"), Integer.parseInt(ctx.key("port")), dns, ips),
                    new ConnectionLimit("update download", "update.max-connections", Integer.parseInt(ctx.key("max-connections")),
                            ctx.meters(), "update.downloads", ctx.hotAlarms()), ca, updates, pushes, files);
            base = URI.create(ctx.key("url").isEmpty() ? "https://" + (dns.isEmpty() ? ips.get(0) : dns.get(0)) + ":" + server.port()
                    : ctx.key("url"));
            LOG.info("update download server for boxes on port {}, as {} (box certificates only)", server.port(), base);
            UpdateFileServer s = server;
            ctx.meters().counter("update.downloads.served", "update files served to boxes", s.served::sum);
            ctx.meters().counter("update.downloads.refused", "update downloads refused (certificate, scope, not requested)", s.refusals::count);
        }
        UpdatePusher pusher = new UpdatePusher(updates, files, pushes, ctx.messenger(),
                () -> ctx.fleet().list(), ctx.account(), base, clock);
        ctx.listeners().add(m -> {
            if (m.kind() != IngestKind.TELEMETRY || !UpdateWire.APP_ID.equals(m.topic().appId())
                    || !UpdateWire.PROGRESS_RESOURCE.equals(m.topic().resource())) {
                return;
            }
            try {
                UpdateWire.Progress p = UpdateWire.Progress.from(m.payload());
                if (pushes.report(m.unit().toString(), p.requestId(), p.serial(), p.state(), p.message(), Instant.now(clock))) {
                    reports.increment();
                    LOG.info("update serial {} at unit {}: {} {}", p.serial(), m.unit(), p.state().label(), LogSafe.of(p.message()));
                } else {
                    reportsRefused.increment();
                    LOG.warn("update report from unit {} on request {} ignored: no such open request of this unit",
                            m.unit(), LogSafe.of(p.requestId()));
                }
            } catch (IllegalArgumentException e) {
                reportsRefused.increment();
                LOG.warn("update report from unit {} ignored: {}", m.unit(), LogSafe.of(e.getMessage()));
            } catch (java.sql.SQLException e) {
                reportsRefused.increment();
                LOG.error("update report from unit {} not recorded: {}", m.unit(), e.getMessage());
            }
        });
        ctx.meters().counter("update.reports.accepted", "box reports on update requests recorded", reports::sum);
        ctx.meters().counter("update.reports.refused", "box reports ignored (malformed, or on no open request of the unit)", reportsRefused::sum);
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.ADMIN);
        UpdatesHandler handler = new UpdatesHandler(pushes, pusher, ctx.audit());
        ctx.routes().api(API, readers, handler);
        ctx.routes().api(API + "/*", readers, new WebRoute.Writes(EnumSet.of(Role.NOC, Role.ADMIN), UpdatesHandler.MAX_BODY), handler);
    }

    /** Where update files are kept when {@code update.dir} is empty. */
    public static Path filesDir(Path dataDir) {
        return dataDir.resolve("updates");
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
