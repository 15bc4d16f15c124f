package cn.egov.manager.portal;

import cn.egov.manager.web.Json;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/portal/units}: per unit and site, the box's copy and its inspection probe ({@link PortalViews#units}). */
final class UnitsHandler implements Request.Handler {

    private final PortalStore store;

    UnitsHandler(PortalStore store) {
        this.store = store;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return Json.write(response, callback, 200, Map.of("units", PortalViews.units(store)));
    }
}
