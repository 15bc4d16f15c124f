package cn.egov.manager.part;

import cn.egov.manager.config.KeySpec;
import java.util.List;

/**
 * One capability of the manager (fleet, plan, policy, CA, hub, exchange, duty, portal, console):
 * everything it brings, behind one small interface. The manager's one wiring place
 * ({@code cn.egov.manager.app.Parts}) lists the parts; the shell (web server, store, broker and
 * ingestion) knows none of them. For each part, in list order, the manager
 * <ol>
 *   <li>checks its configuration keys against {@link #keys()} when the file is loaded (an unknown key
 *       under its prefix, or a value a key's check refuses, is an error naming file and line);</li>
 *   <li>applies its schema steps {@link #migrations()} once each, in order, recorded per part
 *       (Flyway, {@code schema_history_<name>});</li>
 *   <li>calls {@link #start(PartContext)}: the part reads its keys, registers its routes and pages,
 *       its meters and its telemetry listeners, and starts its threads;</li>
 *   <li>once all have started, calls {@link #ready()} on each;</li>
 *   <li>at the manager's stop, calls {@link #close()} (in reverse order).</li>
 * </ol>
 *
 * <pre>{@code
 * public final class DutyPart implements ManagerPart {
 *     public String name() { return "duty"; }
 *     public List<KeySpec> keys() { return DutyConfigKey.specs(); }            // duty.* keys
 *     public List<String> migrations() { return List.of(DutyOfficeStore.TABLES); }
 *     public void start(PartContext ctx) throws Exception {
 *         DutyOfficeSettings settings = DutyOfficeSettings.from(ctx.values());
 *         ctx.listeners().add(new DutyIntake(...));
 *         ctx.meters().counter("duty.reports.accepted", "reports taken in", office.accepted::sum);
 *         ctx.routes().page("/duty", "值班 Duty", Set.of(Role.DUTY_OFFICER, Role.NOC), new DutyPageHandler(...));
 *     }
 *     public void close() { ... stop threads ... }
 * }
 * }</pre>
 *
 * A part that needs another part's service (the CA's key, the plan in force) takes it in its
 * constructor; {@code Parts} passes it. Parts never import the wiring place or each other's web
 * handlers, so the packages form no circle ({@code PackageCyclesTest}).
 */
public interface ManagerPart extends AutoCloseable {

    /** Short lower-case name; also the prefix of its keys ({@code duty} owns {@code duty.*}). */
    String name();

    /** Its configuration keys, all under {@code name() + "."}; none by default. */
    default List<KeySpec> keys() {
        return List.of();
    }

    /**
     * Its schema steps (SQL, statements separated by {@code ;}; portable between SQLite and
     * PostgreSQL), applied once each in order by the store's migration runner (Flyway): step
     * {@code n} is version {@code n} in the part's own history table {@code schema_history_<name>}.
     * Append steps; never edit one that has shipped (its checksum is its text: an edited step is refused).
     */
    default List<String> migrations() {
        return List.of();
    }

    /** Registers routes, meters and listeners and starts the part's work. */
    void start(PartContext ctx) throws Exception;

    /**
     * Called once every part has started, in start order, before the web server opens: the ingest
     * part subscribes here, so that no part's listener misses what waited in the broker.
     */
    default void ready() throws Exception {
    }

    /** Stops the part's threads and servers; the manager calls it once, in reverse start order. */
    @Override
    default void close() throws Exception {
    }
}
