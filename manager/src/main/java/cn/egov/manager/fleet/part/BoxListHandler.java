package cn.egov.manager.fleet.part;

import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import java.util.Arrays;
import java.util.List;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/boxes[?city=1306][&county=130602][&status=MISSING]}: boxes ordered by city, county,
 * id; only those in the caller's counties for a county-bound caller. A filter that no box could match
 * (a misspelt status, a city of 3 digits) is refused naming it: an empty list would read "no box is MISSING".
 */
final class BoxListHandler implements Request.Handler {
    private final FleetRegistry fleet;

    BoxListHandler(FleetRegistry fleet) {
        this.fleet = fleet;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Fields q = Request.extractQueryParameters(request);
        String city = q.getValue("city");
        String county = q.getValue("county");
        String status = q.getValue("status");
        String wrong = wrongFilter(city, county, status);
        if (wrong != null) {
            return Json.error(response, callback, 400, wrong);
        }
        Caller caller = Caller.of(request);
        List<BoxView> boxes = fleet.list().stream()
                .filter(b -> caller.sees(b.clientId()))
                .filter(b -> city == null || b.place().cityCode().equals(city))
                .filter(b -> county == null || b.place().countyCode().equals(county))
                .filter(b -> status == null || b.status().name().equalsIgnoreCase(status))
                .map(BoxView::of).toList();
        return Json.write(response, callback, 200, boxes);
    }

    /** What is wrong with the filters, or null. */
    static String wrongFilter(String city, String county, String status) {
        if (city != null && !city.matches("\\d{4}")) {
            return "city must be 4 digits (e.g. 1306), got '" + city + "'";
        }
        if (county != null && !county.matches("\\d{6}")) {
            return "county must be 6 digits (e.g. 130602), got '" + county + "'";
        }
        if (status != null && Arrays.stream(BoxStatus.values()).noneMatch(s -> s.name().equalsIgnoreCase(status))) {
            return "status must be one of " + Arrays.toString(BoxStatus.values()) + ", got '" + status + "'";
        }
        return null;
    }
}
