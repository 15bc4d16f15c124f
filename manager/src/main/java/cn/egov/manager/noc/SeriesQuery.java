package cn.egov.manager.noc;

import cn.egov.manager.noc.store.Bucket;
import cn.egov.manager.noc.store.Resolution;
import cn.egov.manager.noc.store.SeriesStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One graph's data: a metric of a box over the last hours, from the 1-minute buckets while they
 * are kept for that long, else from the 1-hour buckets. Points are {@code [start, min, avg, max, n]}.
 */
final class SeriesQuery {

    private final SeriesStore store;
    private final SeriesSettings settings;

    SeriesQuery(SeriesStore store, SeriesSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** The longest range asked for: the hour buckets' retention. */
    long maxHours() {
        return settings.hourRetention().toHours();
    }

    List<String> metrics() {
        return settings.metrics();
    }

    /** The resolution a graph of {@code hours} hours uses. */
    Resolution resolution(long hours) {
        return hours <= settings.minuteRetention().toHours() ? Resolution.MINUTE : Resolution.HOUR;
    }

    Map<String, Object> read(String unit, String metric, long hours, long now) throws SQLException {
        Resolution r = resolution(hours);
        long from = r.bucketOf(now - hours * 3_600_000L);
        List<Bucket> buckets = store.read(unit, metric, r, from, now + r.millis);
        List<Object[]> points = new ArrayList<>(buckets.size());
        for (Bucket b : buckets) {
            points.add(new Object[] {b.start(), b.min(), b.avg(), b.max(), b.count()});
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", unit);
        out.put("metric", metric);
        out.put("resolution", r.name());
        out.put("resolutionSeconds", r.seconds());
        out.put("from", from);
        out.put("to", now);
        out.put("points", points);
        return out;
    }
}
