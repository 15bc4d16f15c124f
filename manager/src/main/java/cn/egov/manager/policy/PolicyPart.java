package cn.egov.manager.policy;

import cn.egov.manager.account.Role;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.policy.dist.PolicyBundleStore;
import cn.egov.manager.policy.dist.PolicyBundlesHandler;
import cn.egov.manager.policy.dist.PolicyCatchUp;
import cn.egov.manager.policy.dist.PolicyDistributor;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;

/**
 * The isolation policy as a part of the manager: its tables ({@link PolicyBundleStore#MIGRATIONS}),
 * the signed distribution (with the CA's policy-signing key), the catch-up of boxes that connect,
 * its meters ({@code policy.catchup.*}) and its routes, from what boxes report ({@code ISOLATION/policy}
 * telemetry and {@code isolation.*} alarms). NOC and auditors see every unit, technicians the units
 * of their counties.
 * <ul>
 *   <li>{@code /policy} (page): per unit the policy in force, last verification, drift, alarms of 24 h;
 *       the alarm list with filters {@code city}, {@code county}, {@code unit}, {@code kind}, {@code hours}</li>
 *   <li>{@code GET /api/policy/units}, {@code GET /api/policy/units/{code}} (that unit's alarms of 24 h)</li>
 *   <li>{@code GET /api/policy/alarms?city=1306&county=130602&kind=isolation.denied&hours=24}</li>
 *   <li>{@code GET /api/policy/bundles} (history of signed bundles), {@code POST /api/policy/bundles} (NOC only:
 *       validate, sign and publish; see {@link PolicyBundlesHandler})</li>
 * </ul>
 * A box that connects (BIRTH) gets the newest bundle of its scope it was never sent ({@link PolicyCatchUp}).
 */
public final class PolicyPart implements ManagerPart {

    private final PolicySigningKey signing;
    private PolicyCatchUp catchUp;

    /** @param signing the key that signs policy bundles (issued by the CA), or null without the CA: no signed distribution */
    public PolicyPart(PolicySigningKey signing) {
        this.signing = signing;
    }

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public List<String> migrations() {
        return PolicyBundleStore.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        PolicyBundleStore bundles = new PolicyBundleStore(ctx.database());
        PolicyDistributor distributor = signing == null ? null : new PolicyDistributor(bundles, signing,
                ctx.messenger(), () -> ctx.fleet().list().stream().map(BoxState::clientId).toList(), ctx.account(), Clock.systemUTC());
        if (distributor != null) {
            PolicyCatchUp c = new PolicyCatchUp(distributor, ctx.alarms());
            catchUp = c;
            ctx.listeners().add(m -> {
                if (m.kind() == IngestKind.BIRTH) {
                    c.onBirth(m.unit());
                }
            });
            ctx.meters().gauge("policy.catchup.queue.depth", "boxes waiting for their policy catch-up", c::depth);
            ctx.meters().gauge("policy.catchup.queue.capacity", "bound of the catch-up queue", () -> PolicyCatchUp.CAPACITY);
            ctx.meters().counter("policy.catchup.dropped", "catch-ups dropped at the bound (alarmed)", c::dropped);
            ctx.meters().counter("policy.catchup.sent", "bundles sent to boxes that connected", c::sent);
        }
        PolicyQueries queries = new PolicyQueries(ctx.database(), bundles);
        WebRoutes routes = ctx.routes();
        // technicians: the units of their counties (the handlers filter); bundles have scopes, not units: province-wide roles only
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN);
        EnumSet<Role> provinceReaders = EnumSet.of(Role.NOC, Role.AUDITOR);
        routes.page("/policy", "隔离策略 Policy", readers, new PolicyPageHandler(queries, routes));
        routes.api("/api/policy/units", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/units/*", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/alarms", readers, new PolicyAlarmsHandler(queries));
        routes.api("/api/policy/bundles", provinceReaders, new WebRoute.Writes(EnumSet.of(Role.NOC), PolicyBundlesHandler.MAX_BODY),
                new PolicyBundlesHandler(bundles, distributor, ctx.audit()));
    }

    @Override
    public void close() {
        if (catchUp != null) {
            catchUp.close();
        }
    }
}
