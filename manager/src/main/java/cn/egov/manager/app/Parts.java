package cn.egov.manager.app;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.ca.CaPart;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.console.ConsolePart;
import cn.egov.manager.duty.DutyPart;
import cn.egov.manager.exchange.ExchangePart;
import cn.egov.manager.fleet.part.FleetPart;
import cn.egov.manager.fleet.KnownUnits;
import cn.egov.manager.hub.HubPart;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.part.IngestPart;
import cn.egov.manager.noc.NocPart;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.plan.PlanPart;
import cn.egov.manager.policy.PolicyPart;
import cn.egov.manager.portal.PortalPart;
import cn.egov.manager.report.ReportPart;
import cn.egov.manager.taskbook.TaskbookPart;
import cn.egov.manager.update.UpdatePart;
import cn.egov.rules.plan.Divisions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's parts, wired here and nowhere else: the list (in start order), and what one part
 * hands another (the CA's policy-signing key to the policy part; the plan in force to the broker,
 * which admits only the units it declares). The web shell, the store and the broker know none of
 * them. To add a part: one line in {@link #Parts}, see "Adding a part" in manager/README.md.
 */
public final class Parts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlanPart plan = new PlanPart();
    /** Which units may be boxes here: the province's divisions and the plan in force (broker and ingest). */
    private final KnownUnits known = new KnownUnits(Divisions.hebei(), plan::inForce);
    private final IngestPart ingest;
    private final List<ManagerPart> all;

    /** The embedded broker (broker.mode = embedded), whose subscription ingest consumes in its JVM; before the parts start. */
    void embeddedBroker(ArtemisBroker broker) {
        ingest.embeddedBroker(broker::subscribeInternal);
    }

    Parts(ManagerAssembly.Options options) {
        ReportPart report = new ReportPart(options.tlsCa(), plan::inForce);
        ingest = new IngestPart(options.storeDecorator(), known);
        UpdatePart update = new UpdatePart(options.tlsCa());
        // the navigation bar lists pages in this order; ingest first: the others publish on its session
        all = List.of(
                ingest,
                new FleetPart(update.boxUpdates()),
                new NocPart(options.tlsCa(), plan::inForce, update.boxUpdates()),
                plan,
                new PolicyPart(options.policySigning()),
                new CaPart(options.caService()),
                new HubPart(),
                new PortalPart(options.tlsCa(), plan::inForce),
                new DutyPart(),
                new ExchangePart(options.tlsCa()),
                new ConsolePart(),
                report,
                new TaskbookPart(plan::inForce, report::documents),
                update
        );
        List<String> names = new ArrayList<>();
        for (ManagerPart p : all) {
            if (names.contains(p.name())) {
                throw new IllegalStateException("two parts are named " + p.name());
            }
            names.add(p.name());
            for (KeySpec k : p.keys()) {
                if (!k.key().startsWith(p.name() + ".")) {
                    throw new IllegalStateException("part " + p.name() + " declares key " + k.key() + " outside its prefix");
                }
            }
        }
    }

    /** Every part, in start order. */
    public List<ManagerPart> all() {
        return all;
    }

    PlanPart plan() {
        return plan;
    }

    KnownUnits known() {
        return known;
    }

    /** The client id of the manager's subscription ({@code ingest.client-id}): the embedded broker reserves it. */
    String subscriberId(cn.egov.manager.config.ManagerConfig config) {
        return IngestPart.clientId(config.part(ingest.keys()));
    }

    /** The managers' quorum queue on RabbitMQ ({@code ingest.amqp.queue}). */
    String amqpQueue(cn.egov.manager.config.ManagerConfig config) {
        return IngestPart.amqpQueue(config.part(ingest.keys()));
    }

    /** Publishes to boxes on the manager's session (the ingest part's): every part's {@code ctx.messenger()}. */
    BoxMessenger messenger() {
        return ingest.messenger();
    }

    /** Whether the manager's subscriber is connected (readiness). */
    boolean subscribed() {
        return ingest.connected();
    }

    /** The part of that class (tests and benchmarks look at a part's counters). */
    <T extends ManagerPart> T part(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no part " + type.getName()));
    }

    /** Every part's configuration keys: the schema commands load the file with. */
    public static List<KeySpec> schema() {
        return new Parts(ManagerAssembly.Options.defaults()).all.stream().flatMap(p -> p.keys().stream()).toList();
    }

    /** Every part's keys as a sample file section per part (for {@code manager config-keys}). */
    public static String sample() {
        StringBuilder sb = new StringBuilder();
        for (ManagerPart p : new Parts(ManagerAssembly.Options.defaults()).all) {
            if (p.keys().isEmpty()) {
                continue;
            }
            sb.append('\n').append(KeySpec.sample("Part '" + p.name() + "' (keys " + p.name() + ".*)", p.keys()));
        }
        return sb.toString();
    }

    /**
     * The REST API's OpenAPI 3 document: the shell's ({@code web/openapi.json}) with every part's
     * paths added ({@code openapi.json} next to the part's class, when it has REST routes).
     */
    static byte[] openApi(List<ManagerPart> parts) {
        try {
            ObjectNode doc = (ObjectNode) JSON.readTree(resource(cn.egov.manager.web.WebRoutes.class, "openapi.json"));
            ObjectNode paths = (ObjectNode) doc.get("paths");
            for (ManagerPart p : parts) {
                InputStream in = p.getClass().getResourceAsStream("openapi.json");
                if (in == null) {
                    continue;
                }
                try (in) {
                    ObjectNode fragment = (ObjectNode) JSON.readTree(in);
                    fragment.get("paths").properties().forEach(e -> {
                        if (paths.has(e.getKey())) {
                            throw new IllegalStateException("part " + p.name() + " documents " + e.getKey() + ", documented already");
                        }
                        paths.set(e.getKey(), e.getValue());
                    });
                    if (fragment.has("schemas")) {
                        ObjectNode schemas = (ObjectNode) doc.get("components").get("schemas");
                        fragment.get("schemas").properties().forEach(e -> schemas.set(e.getKey(), e.getValue()));
                    }
                }
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document cannot be read: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(Class<?> near, String name) throws IOException {
        InputStream in = near.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is missing next to " + near.getName());
        }
        return in;
    }
}
