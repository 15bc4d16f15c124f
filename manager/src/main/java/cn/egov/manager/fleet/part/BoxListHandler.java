package cn.egov.manager.fleet.part;

import cn.egov.manager.fleet.FleetRegistry;
import java.util.List;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/boxes[?city=1306][&county=130602][&status=MISSING]}: boxes ordered by city, county,
 * id; only those in the caller's counties for a county-bound caller.
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
        Caller caller = Caller.of(request);
        List<BoxView> boxes = fleet.list().stream()
                .filter(b -> caller.sees(b.clientId()))
                .filter(b -> city == null || b.place().cityCode().equals(city))
                .filter(b -> county == null || b.place().countyCode().equals(county))
                .filter(b -> status == null || b.status().name().equalsIgnoreCase(status))
                .map(BoxView::of).toList();
        return Json.write(response, callback, 200, boxes);
    }
}
