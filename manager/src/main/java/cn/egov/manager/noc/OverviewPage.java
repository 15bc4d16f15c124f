package cn.egov.manager.noc;

import cn.egov.manager.account.Role;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.util.ArrayList;
import java.util.List;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.sql.SQLException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /noc[?county=130602]}: the province as a tree ({@code noc/overview.jte}). Each city is a
 * fold with its counts; each county a row with its counts per aspect; the units of the county asked
 * for (a technician: of all its counties) are rows under it with one badge per indicator and a link
 * to the unit's page.
 */
final class OverviewPage implements Request.Handler {

    /** One aspect's count in a city or county row. */
    record Badge(String zh, String text, String css, String title) {
    }

    private final NocState state;
    private final WebRoutes routes;

    OverviewPage(NocState state, WebRoutes routes) {
        this.state = state;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        String county = Request.extractQueryParameters(request).getValue("county");
        String open = county != null && county.matches("\\d{6}") ? county : "";
        Overview o = state.overview(caller);
        Frame frame = Pages.frame(request, routes, "网络总览 Overview");
        String at = Judge.time(state.clock().millis());
        return Pages.render(response, callback, 200, out -> JteoverviewGenerated.render(out, null, frame, o, open, !caller.provinceWide(), at));
    }

    /**
     * Builds and renders the province-wide overview once, with the units of {@code county} open, for
     * no one: at the part's start, so that the first operator after a restart does not wait for the
     * template's and the tree's first run (class loading, the store's first reads: 640 ms against 73 ms
     * warm, bench/RESULTS.md "NOC pages at province scale"). Returns the page's length.
     */
    int warmUp(String county) throws SQLException {
        Overview o = state.overview(Caller.token(Role.NOC));
        Frame frame = new Frame("网络总览 Overview", List.of(), "", "", Pages.REFRESH_SECONDS);
        StringOutput out = new StringOutput(8192);
        JteoverviewGenerated.render(new OwaspHtmlTemplateOutput(out), null, frame, o, county, false, Judge.time(state.clock().millis()));
        return out.toString().length();
    }

    /** A node's badges: per aspect, units OK of units reporting, in the colour of the worst. */
    static List<Badge> badges(Overview.Counts c) {
        List<Badge> out = new ArrayList<>();
        for (Aspect a : Aspect.values()) {
            int reporting = c.reporting(a);
            String title = a.zh + " " + a.en + ": 正常 OK " + c.count(a, Level.OK) + " · 注意 warning " + c.count(a, Level.WARN)
                    + " · 故障 fault " + c.count(a, Level.BAD) + " · 未上报 not reported " + c.count(a, Level.NONE);
            out.add(new Badge(a.zh, reporting == 0 ? "—" : c.count(a, Level.OK) + "/" + reporting, c.worst(a).css(), title));
        }
        return out;
    }

    /** A unit's badge text: the aspect's level in one word. */
    static String shortLabel(Indicator i) {
        return switch (i.level()) {
            case OK -> "正常";
            case WARN -> "注意";
            case BAD -> "故障";
            case NONE -> "—";
        };
    }
}
