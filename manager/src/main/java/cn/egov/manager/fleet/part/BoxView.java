package cn.egov.manager.fleet.part;

import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.Place;
import java.util.Map;

/** A box as the REST API shows it. */
record BoxView(String clientId, String displayName, String status, long statusSince, String statusCause, long lastSeen,
               long lastHealth, int healthIntervalS, String firmwareVersion, String connectionIp, Place place,
               Map<String, Object> health) {

    static BoxView of(BoxState b) {
        return new BoxView(b.clientId(), b.displayName(), b.status().name(), b.statusSince(), b.lastStatusCause(),
                b.lastSeen(), b.lastHealth(), b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), b.place(),
                b.healthFigures());
    }
}
