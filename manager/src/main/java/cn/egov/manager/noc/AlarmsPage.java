package cn.egov.manager.noc;

import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.manager.account.Role;
import cn.egov.manager.noc.store.AlarmQuery;
import cn.egov.manager.noc.store.AlarmRef;
import cn.egov.manager.noc.store.NocAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /noc/alarms[?state=&severity=&unit=&county=&city=&days=]}: the alarm list
 * ({@code noc/alarms.jte}) with a 确认 button per open alarm for NOC operators; and
 * {@code /noc/alarms/{id}}: one alarm ({@code noc/alarm.jte}) with its evidence, its comments and
 * the forms to assign and comment. The buttons and forms post through {@code /noc/noc.js}.
 */
final class AlarmsPage implements Request.Handler {

    static final String PATH = "/noc/alarms";

    /** The filter form's values, as typed. */
    record Filter(String state, String severity, String unit, String county, String city, String days) {
    }

    private final NocState state;
    private final WebRoutes routes;

    AlarmsPage(NocState state, WebRoutes routes) {
        this.state = state;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Caller caller = Caller.of(request);
        if (path.startsWith(PATH + "/") && path.length() > PATH.length() + 1) {
            return one(request, response, callback, caller, path.substring(PATH.length() + 1));
        }
        Fields fields = Request.extractQueryParameters(request);
        // the page opens on what needs someone
        java.util.function.UnaryOperator<String> q = name -> name.equals("state") && fields.getValue(name) == null ? "open"
                : fields.getValue(name);
        String problem = "";
        List<NocAlarm> alarms = List.of();
        try {
            alarms = state.alarms().list(AlarmsHandler.query(q, caller, state.clock().millis(), state.alarmWindow().toDays()));
        } catch (IllegalArgumentException e) {
            problem = e.getMessage(); // the form back with what was typed, as the other pages' forms
        }
        Filter filter = new Filter(v(q, "state"), v(q, "severity"), v(q, "unit"), v(q, "county"), v(q, "city"),
                q.apply("days") == null ? Long.toString(state.alarmWindow().toDays()) : v(q, "days"));
        Frame frame = Pages.frame(request, routes, "告警 Alarms").still();
        boolean canAct = caller.role() == Role.NOC && frame.session();
        List<NocAlarm> shown = alarms;
        String refused = problem;
        return Pages.render(response, callback, problem.isEmpty() ? 200 : 400,
                out -> JtealarmsGenerated.render(out, null, frame, filter, shown, canAct, refused));
    }

    private boolean one(Request request, Response response, Callback callback, Caller caller, String id) throws Exception {
        Optional<AlarmRef> ref = AlarmRef.parse(id);
        Optional<NocAlarm> alarm = ref.isEmpty() ? Optional.empty() : state.alarms().find(ref.get());
        if (alarm.isEmpty() || !AlarmsHandler.visible(caller, alarm.get())) {
            return Json.error(response, callback, 404, "no such alarm among those you may see");
        }
        NocAlarm a = alarm.get();
        Frame frame = Pages.frame(request, routes, "告警 Alarm " + AlarmCatalogue.of(a.alarm().kind()).label()).still();
        boolean canAct = caller.role() == Role.NOC && frame.session();
        List<NocAlarm.Comment> comments = state.alarms().comments(a.ref());
        return Pages.render(response, callback, 200, out -> JtealarmGenerated.render(out, null, frame, a, comments, canAct));
    }

    private static String v(java.util.function.UnaryOperator<String> q, String name) {
        String s = q.apply(name);
        return s == null ? "" : s;
    }
}
