package cn.egov.manager.broker;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the embedded broker set aside ({@link ArtemisBroker.SetAside}), for the NOC: the
 * {@code broker.dead-letter} and {@code broker.expired} alarms point here.
 * <ul>
 *   <li>{@code GET /api/broker/set-aside}: per queue what it holds, how many newer ones replaced at the bound, and the
 *       oldest {@link #LISTED} messages (id, topic, which names the box, size, time received);</li>
 *   <li>{@code POST /api/broker/set-aside/{dead-letter|expired}/purge} {@code {}}: deletes what the queue holds once it
 *       has been looked at; audited; the alarm clears at its next check.</li>
 * </ul>
 * NOC only. With an external broker ({@code broker.mode} other than embedded) both answer 404.
 */
public final class SetAsideHandler implements Request.Handler {

    public static final String PATH = "/api/broker/set-aside";
    /** Messages listed per queue: enough to see which boxes and topics, not the whole bound. */
    static final int LISTED = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SetAsideHandler.class);

    private final ArtemisBroker broker;
    private final AuditLog audit;

    private SetAsideHandler(ArtemisBroker broker, AuditLog audit) {
        this.broker = broker;
        this.audit = audit;
    }

    /** The routes; {@code broker} null with an external broker. */
    public static void add(WebRoutes routes, ArtemisBroker broker, AuditLog audit) {
        SetAsideHandler h = new SetAsideHandler(broker, audit);
        routes.api(PATH, EnumSet.of(Role.NOC), h);
        routes.api(PATH + "/*", EnumSet.of(Role.NOC), new WebRoute.Writes(EnumSet.of(Role.NOC), 64), h);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (broker == null) {
            return Json.error(response, callback, 404, "this manager runs no embedded broker (broker.mode): nothing is set aside here");
        }
        String path = Request.getPathInContext(request);
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            return Json.write(response, callback, 200, list());
        }
        String[] parts = path.substring(PATH.length() + 1).split("/", -1);
        Optional<ArtemisBroker.SetAside> where = Arrays.stream(ArtemisBroker.SetAside.values()).filter(w -> w.label.equals(parts[0])).findFirst();
        if (where.isEmpty() || parts.length != 2 || !parts[1].equals("purge")) {
            return Json.error(response, callback, 404, "no such queue action; POST to " + PATH + "/dead-letter/purge or " + PATH + "/expired/purge");
        }
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            return Json.error(response, callback, 405, "use POST");
        }
        Caller caller = Caller.of(request);
        int purged = broker.purge(where.get());
        LOG.info("{} purged {} messages from the broker's {} queue", LogSafe.of(caller.name()), purged, where.get().label);
        try {
            audit.record(new AuditEntry(System.currentTimeMillis(), caller.name(), caller.role().label, "broker.purge", where.get().label,
                    AuditEntry.Outcome.SUCCESS, purged + " messages deleted", Request.getRemoteAddr(request)));
        } catch (Exception e) {
            // AuditLog logged it; the purge is done
        }
        return Json.write(response, callback, 200, Map.of("queue", where.get().label, "purged", purged));
    }

    private Map<String, Object> list() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ArtemisBroker.SetAside where : ArtemisBroker.SetAside.values()) {
            ArtemisBroker.SetAsideCount n = broker.setAside(where);
            List<Map<String, Object>> messages = broker.setAsideMessages(where, LISTED).stream()
                    .map(m -> Map.<String, Object>of("id", m.id(), "topic", m.topic(), "bytes", m.bytes(), "at", m.at().toString()))
                    .toList();
            out.put(where.label, Map.of("held", n.held(), "replaced", n.replaced(), "messages", messages));
        }
        return out;
    }
}
