package cn.egov.manager.noc;

import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.Role;
import cn.egov.manager.ca.IssuedCertificate;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.noc.store.AlarmBook;
import cn.egov.manager.noc.store.NocSchema;
import cn.egov.manager.noc.store.SeriesStore;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.Assets;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.AddressPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NOC overview (网络总览) as a part: the province as a tree of cities, counties and units with
 * each unit's interconnection indicators, a page per unit, the alarm list with acknowledge, assign
 * and comment, and each box's health graphs from downsampled series kept in the store.
 * <ul>
 *   <li>{@code /noc} (page), {@code GET /api/noc/overview}: the tree ({@link OverviewPage}, {@link OverviewHandler});</li>
 *   <li>{@code /noc/units/{unit}} (page), {@code GET /api/noc/units/{unit}[/series]}: one unit and its graphs;</li>
 *   <li>{@code /noc/alarms[/{id}]} (page), {@code GET|POST /api/noc/alarms[/{id}/ack|assign|comments]}: the
 *       alarm list ({@link AlarmsHandler}); only NOC operators change it;</li>
 *   <li>readers: NOC, auditors, duty officers; technicians for their counties' units and alarms.</li>
 * </ul>
 * Its keys are {@code noc.*} ({@link NocConfigKey}), its tables {@link NocSchema}. The series are
 * fed by {@link Downsampler} (a {@code TelemetryListener} with a bounded queue and its own thread),
 * the indicators by {@link UnitReports} (the boxes' newest reports, in memory). It takes the plan in
 * force and the CA (for revocations; may be null) from the wiring place.
 */
public final class NocPart implements ManagerPart {

    /** ECharts from its WebJar. */
    public static final String ECHARTS = Assets.VENDOR + "/echarts/echarts.min.js";
    static final String SCRIPT = "/noc/noc.js";
    static final String STYLE = "/noc/noc.css";
    /** How long the CA's revocations are reused between pages (they only colour an indicator). */
    private static final Duration REVOCATIONS_REUSED = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(NocPart.class);

    private final Supplier<Optional<AddressPlan>> plan;
    private final ProvincialCa ca;
    private final cn.egov.manager.fleet.BoxUpdates updates;
    private final Clock clock;
    private Downsampler downsampler;
    private OverviewPage overview;
    private cn.egov.manager.fleet.FleetRegistry fleet;

    /**
     * @param ca   the provincial CA (its register says which box certificates are revoked), or null
     * @param plan the plan in force
     */
    public NocPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan) {
        this(ca, plan, cn.egov.manager.fleet.BoxUpdates.NONE, Clock.systemUTC());
    }

    /** @param updates each box's newest box update (the update part's), shown on the unit page */
    public NocPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan, cn.egov.manager.fleet.BoxUpdates updates) {
        this(ca, plan, updates, Clock.systemUTC());
    }

    /** A part on a clock of the caller's. */
    public NocPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan, Clock clock) {
        this(ca, plan, cn.egov.manager.fleet.BoxUpdates.NONE, clock);
    }

    private NocPart(ProvincialCa ca, Supplier<Optional<AddressPlan>> plan, cn.egov.manager.fleet.BoxUpdates updates, Clock clock) {
        this.ca = ca;
        this.plan = plan;
        this.updates = updates;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NocSchema.PART;
    }

    @Override
    public List<KeySpec> keys() {
        return NocConfigKey.specs();
    }

    @Override
    public List<String> migrations() {
        return NocSchema.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        SeriesSettings settings = SeriesSettings.from(ctx.values());
        SeriesStore series = new SeriesStore(ctx.database());
        AlarmBook book = new AlarmBook(ctx.database());
        downsampler = new Downsampler(series, ctx.database(), settings, ctx.alarms(), clock);
        if (settings.enabled()) {
            ctx.listeners().add(downsampler); // first: it queues while the start replays what was stored before
            downsampler.start(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        UnitReports reports = new UnitReports();
        ctx.listeners().add(reports); // before the load: a report stored meanwhile is not missed (the newer one wins)
        reports.load(ctx.database());

        Duration window = Duration.ofDays(ctx.values().number(NocConfigKey.ALARM_DAYS));
        fleet = ctx.fleet();
        NocState state = new NocState(ctx.fleet(), plan, reports, book, revocations(), window, clock);
        SeriesQuery graphs = new SeriesQuery(series, settings);

        ctx.meters().gauge("noc.series.queue.depth", "health samples waiting to be put into the graphs", downsampler::depth);
        ctx.meters().gauge("noc.series.queue.capacity", "bound of the graphs' queue (noc.series.queue)", settings::queue);
        ctx.meters().counter("noc.series.samples", "health samples put into the graphs", downsampler.bucketed::sum);
        ctx.meters().counter("noc.series.dropped", "health samples left out of the graphs: the queue was full", downsampler.dropped::sum);
        ctx.meters().counter("noc.series.failures", "batches the store refused (left out of the graphs)", downsampler.failures::sum);
        ctx.meters().counter("noc.series.trimmed", "buckets deleted past their retention", downsampler.trimmed::sum);

        Set<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN, Role.DUTY_OFFICER);
        WebRoutes routes = ctx.routes();
        overview = new OverviewPage(state, routes);
        routes.page("/noc", "总览 Overview", readers, overview);
        routes.api(UnitPage.PATH + "/*", readers, new UnitPage(state, graphs, updates, routes));
        routes.page(AlarmsPage.PATH, "告警 Alarms", readers, new AlarmsPage(state, routes));
        routes.api(AlarmsPage.PATH + "/*", readers, new AlarmsPage(state, routes));
        routes.api(SCRIPT, readers, new NocAssets("noc.js", "text/javascript; charset=utf-8"));
        routes.api(STYLE, readers, new NocAssets("noc.css", "text/css; charset=utf-8"));
        routes.api(OverviewHandler.PATH, readers, new OverviewHandler(state));
        routes.api(UnitsHandler.PATH + "/*", readers, new UnitsHandler(state, graphs));
        AlarmsHandler alarms = new AlarmsHandler(state, new AccountStore(ctx.database()), ctx.audit());
        routes.api(AlarmsHandler.PATH, readers, alarms);
        routes.api(AlarmsHandler.PATH + "/*", readers, new WebRoute.Writes(EnumSet.of(Role.NOC), AlarmsHandler.MAX_BODY), alarms);
    }

    /**
     * Renders the overview once (the tree, and the first county's units open) before the web server
     * opens: the first operator gets a warm page. A failure only costs that warmth.
     */
    @Override
    public void ready() {
        long t0 = System.nanoTime();
        try {
            String first = fleetFirstCounty();
            int bytes = overview.warmUp(first);
            LOG.info("noc: overview rendered once at start ({} bytes, {} ms)", bytes, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | LinkageError e) {
            LOG.warn("noc: the overview could not be rendered at start (the first request will be slower): {}", e.toString());
        }
    }

    private String fleetFirstCounty() {
        return fleet.list().stream().map(b -> b.clientId()).filter(c -> c.matches("\\d{6}-\\d{3}")).map(c -> c.substring(0, 6))
                .findFirst().orElse("");
    }

    /** The CA's revoked serials (upper-case hex), reused for a while; none without the CA. */
    private Supplier<Set<String>> revocations() {
        if (ca == null) {
            return Set::of;
        }
        return new Supplier<>() {
            private Set<String> last = Set.of();
            private long at = Long.MIN_VALUE;

            @Override
            public synchronized Set<String> get() {
                long now = clock.millis();
                if (at == Long.MIN_VALUE || now - at >= REVOCATIONS_REUSED.toMillis()) {
                    try {
                        last = ca.certificates().stream().filter(IssuedCertificate::revoked)
                                .map(c -> c.serial().toString(16).toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
                        at = now;
                    } catch (Exception e) {
                        LOG.warn("noc: the CA's revocations cannot be read: {}", e.toString());
                    }
                }
                return last;
            }
        };
    }

    @Override
    public void close() throws Exception {
        if (downsampler != null) {
            downsampler.close();
        }
    }
}
