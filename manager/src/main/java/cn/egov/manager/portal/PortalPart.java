package cn.egov.manager.portal;

import cn.egov.manager.account.Role;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.fleet.BoxState;
import cn.egov.rules.plan.Divisions;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.BodyTooLargeException;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.AddressPlan;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal mirror's part of the manager, wired in one place: its configuration
 * ({@link PortalConfigKey}, prefix {@code portal.}), its tables ({@link PortalStore}), the content
 * folder ({@link BlobStore}), the signer ({@link PortalSigner}, issued by the provincial CA at
 * start), the content server boxes fetch from ({@link ContentServer}), what boxes report
 * ({@link BoxReports}), the freshness check ({@link FreshnessWatch}) and these routes:
 * <ul>
 *   <li>{@code /portal} (page): sites, per unit the copy and the inspection probe, notices;</li>
 *   <li>{@code GET /api/portal/sites[/<site>]}, {@code POST /api/portal/sites/<site>/snapshots} (NOC),
 *       {@code POST /api/portal/blobs} (NOC): publish a site ({@code manager portal publish} uses them);</li>
 *   <li>{@code GET /api/portal/units}: per unit and site what the box serves and its probe;</li>
 *   <li>{@code GET /api/portal/notices}, {@code POST /api/portal/notices/<id>} (NOC): fold or withdraw;</li>
 *   <li>{@code GET /api/portal/alarms}: the newest portal alarms of boxes and of the manager;</li>
 *   <li>{@code GET /api/portal/server}: where boxes fetch from, and whether the manager can sign.</li>
 * </ul>
 * Without the provincial CA ({@code ca.passphrase-file} unset) the part shows what it has but
 * neither signs nor serves boxes. Stopped with the manager ({@link #close()}).
 */
public final class PortalPart implements ManagerPart {

    private static final Logger LOG = LoggerFactory.getLogger(PortalPart.class);
    /** Largest JSON body of a listing or an upload batch. */
    private static final long MAX_LISTING_BYTES = 64L * 1024 * 1024;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final ProvincialCa ca;
    private final Supplier<Optional<AddressPlan>> plan;

    /**
     * @param ca   the provincial CA (signs snapshots, serves boxes over mutual TLS), or null without one
     * @param plan the address plan in force (a site's owner must be a unit it declares), empty before one is
     */
    public PortalPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan) {
        this.ca = ca;
        this.plan = plan;
    }

    @Override
    public String name() {
        return "portal";
    }

    @Override
    public List<KeySpec> keys() {
        return PortalConfigKey.specs();
    }

    @Override
    public List<String> migrations() {
        return PortalStore.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        WebRoutes routes = ctx.routes();
        PortalSettings settings = PortalSettings.from(ctx.config());
        Clock clock = Clock.systemUTC();
        PortalStore store = new PortalStore(ctx.database());
        BlobStore blobs = new BlobStore(settings.dir());
        IndexNotifier notifier = new IndexNotifier(store, ctx.messenger(), ctx.config().get(ConfigKey.ACCOUNT),
                () -> ctx.fleet().list().stream().map(BoxState::clientId).toList());
        PortalSigner signer = ca == null ? null : PortalSigner.issue(ca);
        SiteOwners owners = new SiteOwners(Divisions.hebei(), plan);
        SnapshotPublisher publisher = new SnapshotPublisher(store, blobs, settings, signer, notifier, owners, clock);
        NoticeDesk desk = new NoticeDesk(store, ca, publisher, ctx.alarms(), clock);
        BoxReports reports = new BoxReports(store, desk, notifier, ctx.alarms(), settings.queue());
        running.add(reports);
        ctx.listeners().add(reports);
        ContentServer server = null;
        if (ca == null) {
            LOG.warn("portal: no provincial CA (ca.passphrase-file): sites are neither signed nor served to boxes");
        } else if (settings.port() == PortalSettings.NO_SERVER) {
            LOG.info("portal: no content server ({} is not set): sites can be published, boxes cannot fetch them", PortalConfigKey.PORT.key());
        } else {
            server = new ContentServer(settings, ca, store, blobs, notifier, ctx.meters(), ctx.hotAlarms());
            running.add(server);
            LOG.info("portal content server for boxes at {} (box certificates only)", server.url());
        }
        FreshnessWatch watch = new FreshnessWatch(store, ctx.alarms(), settings.staleAfter(), clock);
        // raises and clears province-wide alarms: one node watches
        ctx.leadership().every("portal-freshness", "the portal freshness watch", settings.checkPeriod(), watch);

        ContentServer content = server;
        if (content != null) {
            ctx.meters().gauge("portal.content.served", content.served::sum);
            ctx.meters().gauge("portal.content.refused", content.refusals::count);
        }
        ctx.meters().gauge("portal.queue.depth", reports::depth);
        ctx.meters().gauge("portal.queue.capacity", settings::queue);
        ctx.meters().gauge("portal.queue.dropped", reports.dropped::sum);
        ctx.meters().gauge("portal.alarms.raised", () -> watch.raised().size());

        // province-wide readers: the duty officer watches "site unreachable / not updated"; only the NOC publishes and decides
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.DUTY_OFFICER);
        EnumSet<Role> noc = EnumSet.of(Role.NOC);
        routes.page("/portal", "门户网站群 Portal", readers, new PortalPageHandler(store, ctx.alarms(), routes, settings.staleAfter()));
        routes.api(SitesHandler.PREFIX, readers, new SitesHandler(store, publisher));
        routes.api(SitesHandler.PREFIX + "/*", readers, new WebRoute.Writes(noc, MAX_LISTING_BYTES), new SitesHandler(store, publisher));
        routes.api("/api/portal/blobs", noc, new WebRoute.Writes(noc, MAX_LISTING_BYTES), new BlobsHandler(blobs, settings.maxFileBytes()));
        routes.api("/api/portal/units", readers, new UnitsHandler(store));
        routes.api(NoticesHandler.PREFIX, readers, new NoticesHandler(store, desk));
        routes.api(NoticesHandler.PREFIX + "/*", readers, new WebRoute.Writes(noc, NoticesHandler.MAX_BODY), new NoticesHandler(store, desk));
        routes.api("/api/portal/alarms", readers, (request, response, callback) ->
                Json.write(response, callback, 200, Map.of("alarms", PortalViews.alarms(ctx.alarms()))));
        routes.api("/api/portal/server", readers, (request, response, callback) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", content == null ? "" : content.url());
            m.put("port", content == null ? 0 : content.port());
            m.put("signing", publisher.canSign());
            m.put("signer", signer == null ? "" : signer.chain().get(0).getSubjectX500Principal().getName());
            return Json.write(response, callback, 200, m);
        });
    }

    /** What is wrong with a JSON body, in one short line (Jackson's own message adds source notes). */
    static String jsonProblem(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            // Jackson names its own setting for a bound ("..., from `StreamReadConstraints.getMaxNestingDepth()`"): not the caller's
            String what = j.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\(start marker at \\[.*?\\]\\)", "")
                    .replaceAll(", from `[^`]*`", "");
            return what + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")");
        }
        return String.valueOf(e.getMessage());
    }

    /** A body past the route's bound surfaces while parsing: the dispatcher answers it 413, not the handler 400. */
    static void rethrowTooLarge(Exception e) throws BodyTooLargeException {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BodyTooLargeException big) {
                throw big;
            }
        }
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("portal: stopping {}: {}", running.get(i), e.toString());
            }
        }
        running.clear();
    }
}
