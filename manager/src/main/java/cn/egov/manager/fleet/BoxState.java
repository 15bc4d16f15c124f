package cn.egov.manager.fleet;

import java.util.Map;

/**
 * What the registry knows about one box.
 *
 * @param clientId        the box's MQTT client id (its unit code, CCCCCC-DDD)
 * @param place           its place in the hierarchy
 * @param displayName     from BIRTH, else the client id
 * @param status          {@link BoxStatus}
 * @param statusSince     when the status last changed (ms since the epoch)
 * @param lastSeen        last message of any kind (ms)
 * @param lastHealth      last health message (ms), or 0 when none yet
 * @param healthIntervalS the box's health interval from BIRTH
 * @param firmwareVersion from BIRTH, or null
 * @param connectionIp    from BIRTH, or null
 * @param healthFigures   the last health message's metrics
 * @param lastStatusCause why the status last changed: BIRTH, DC, LWT, no health since...
 */
public record BoxState(String clientId, Place place, String displayName, BoxStatus status, long statusSince,
                       long lastSeen, long lastHealth, int healthIntervalS, String firmwareVersion,
                       String connectionIp, Map<String, Object> healthFigures, String lastStatusCause) {

    public BoxState {
        healthFigures = healthFigures == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(healthFigures));
    }

    BoxState withStatus(BoxStatus s, long at, String cause) {
        return new BoxState(clientId, place, displayName, s, s == status ? statusSince : at, lastSeen, lastHealth,
                healthIntervalS, firmwareVersion, connectionIp, healthFigures, s == status ? lastStatusCause : cause);
    }
}
