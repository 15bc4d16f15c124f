package cn.egov.manager.noc;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/**
 * The NOC part's keys (prefix {@code noc.}): the health series' metrics, retention and queue, and
 * how far back the overview and the alarm list look. {@code manager config-keys} prints them.
 */
enum NocConfigKey implements PartKey {
    SERIES_ENABLED("series.enabled", "true", "false: no health graphs are fed from ingestion (the overview, unit pages and alarms work;"
            + " the graphs show what is stored already).", KeySpec.oneOf("true", "false")),
    SERIES_METRICS("series.metrics", "cpu_load,heap_used_bytes,disk_free_bytes,outbox_depth",
            "Health metrics (names in the boxes' HEALTH/status messages) kept as downsampled series, comma separated.",
            v -> v.isBlank() || !v.matches("[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*") ? "must be metric names separated by commas, got '" + v + "'" : null),
    SERIES_MINUTE_HOURS("series.minute-retention-hours", "48", "Hours the 1-minute buckets are kept.", KeySpec.atLeast(1, false)),
    SERIES_HOUR_DAYS("series.hour-retention-days", "90", "Days the 1-hour buckets are kept.", KeySpec.atLeast(1, false)),
    SERIES_QUEUE("series.queue", "20000",
            "Bound of the health samples waiting to be bucketed; when full, samples are dropped from the series (counted, alarmed"
                    + " noc.series.dropped), never from the store.", KeySpec.between(1, Integer.MAX_VALUE)),
    SERIES_BATCH("series.batch", "2000", "Most samples bucketed in one transaction.", KeySpec.between(1, Integer.MAX_VALUE)),
    SERIES_REPLAY_PAGE("series.replay-page", "5000",
            "Health messages read per page when the start replays what was stored but not yet bucketed; each page is its own short"
                    + " read and write transaction (an SQLite WAL can be checkpointed between pages), and a stop resumes after the last"
                    + " page written.", KeySpec.between(1, Integer.MAX_VALUE)),
    SERIES_TRIM_PERIOD_S("series.trim-period-s", "300", "How often buckets past their retention are deleted.", KeySpec.atLeast(1, false)),
    ALARM_INTERVAL_S("alarm-interval-s", "300", "The noc.series.dropped alarm is raised at most once in this time.", KeySpec.atLeast(1, false)),
    ALARM_DAYS("alarm-days", "7", "Days of alarms the overview counts and the alarm list shows by default.", KeySpec.atLeast(1, false));

    private final KeySpec spec;

    NocConfigKey(String shortKey, String defaultValue, String description, KeySpec.Check check) {
        this.spec = new KeySpec("noc." + shortKey, defaultValue, description, check);
    }

    @Override
    public KeySpec spec() {
        return spec;
    }

    static List<KeySpec> specs() {
        return PartKey.specs(values());
    }
}
