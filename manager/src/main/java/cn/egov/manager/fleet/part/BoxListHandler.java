package cn.egov.manager.fleet.part;

import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import java.util.List;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/boxes[?city=1306][&county=130602][&status=MISSING]}: boxes ordered by city, county,
 * id; only those in the caller's counties for a county-bound caller. A filter that no box could match
 * (a misspelt status, a city of 3 digits) is refused naming it ({@link QueryFilters}): an empty list would read "no box is MISSING".
 * An empty parameter is no filter.
 */
final class BoxListHandler implements Request.Handler {
    private final FleetRegistry fleet;

    BoxListHandler(FleetRegistry fleet) {
        this.fleet = fleet;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Fields q = Request.extractQueryParameters(request);
        String city;
        String county;
        BoxStatus status;
        try {
            city = QueryFilters.city(q.getValue("city"));
            county = QueryFilters.county(q.getValue("county"));
            status = QueryFilters.oneOf("status", q.getValue("status"), BoxStatus.class);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        Caller caller = Caller.of(request);
        List<BoxView> boxes = fleet.list().stream()
                .filter(b -> caller.sees(b.clientId()))
                .filter(b -> city == null || b.place().cityCode().equals(city))
                .filter(b -> county == null || b.place().countyCode().equals(county))
                .filter(b -> status == null || b.status() == status)
                .map(BoxView::of).toList();
        return Json.write(response, callback, 200, boxes);
    }
}
