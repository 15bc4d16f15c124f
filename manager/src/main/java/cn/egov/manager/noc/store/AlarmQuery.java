package cn.egov.manager.noc.store;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which alarms the list shows; null fields do not filter.
 *
 * @param since    received at or after (ms)
 * @param unit     one unit's box
 * @param county   a county's boxes (6 digits)
 * @param city     a city's boxes (4 digits)
 * @param severity one severity
 * @param state    {@code open}, {@code acknowledged}, {@code cleared}, or null for all
 * @param counties only boxes of these counties (a technician's; the manager's own alarms are then
 *                 left out), or null for the whole province
 * @param limit    most alarms returned, newest first
 */
public record AlarmQuery(long since, String unit, String county, String city, String severity, NocAlarm.State state,
                         SortedSet<String> counties, int limit) {

    public AlarmQuery {
        counties = counties == null ? null : new TreeSet<>(counties);
    }

    /** Everything since {@code since}, at most {@code limit}. */
    public static AlarmQuery since(long since, int limit) {
        return new AlarmQuery(since, null, null, null, null, null, null, limit);
    }

    /** The same, for one unit's box. */
    public AlarmQuery unit(String u) {
        return new AlarmQuery(since, u, county, city, severity, state, counties, limit);
    }
}
