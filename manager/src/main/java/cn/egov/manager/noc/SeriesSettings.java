package cn.egov.manager.noc;

import cn.egov.manager.config.PartValues;
import java.time.Duration;
import java.util.List;

/**
 * The health series' settings, read from the part's keys (checked when the file was loaded).
 *
 * @param enabled         whether ingestion feeds the graphs
 * @param metrics         the health metrics kept
 * @param minuteRetention how long 1-minute buckets are kept
 * @param hourRetention   how long 1-hour buckets are kept
 * @param queue           bound of the samples waiting
 * @param batch           most samples per transaction
 * @param replayPage      health messages read per page of the start's replay
 * @param trimPeriod      how often old buckets are deleted
 * @param alarmInterval   least time between two {@code noc.series.dropped} alarms
 */
record SeriesSettings(boolean enabled, List<String> metrics, Duration minuteRetention, Duration hourRetention, int queue, int batch,
                      int replayPage,
                      Duration trimPeriod, Duration alarmInterval) {

    SeriesSettings {
        metrics = List.copyOf(metrics);
    }

    static SeriesSettings from(PartValues v) {
        return new SeriesSettings(v.flag(NocConfigKey.SERIES_ENABLED), v.list(NocConfigKey.SERIES_METRICS),
                Duration.ofHours(v.number(NocConfigKey.SERIES_MINUTE_HOURS)),
                Duration.ofDays(v.number(NocConfigKey.SERIES_HOUR_DAYS)),
                v.integer(NocConfigKey.SERIES_QUEUE),
                v.integer(NocConfigKey.SERIES_BATCH),
                v.integer(NocConfigKey.SERIES_REPLAY_PAGE),
                Duration.ofSeconds(v.number(NocConfigKey.SERIES_TRIM_PERIOD_S)),
                Duration.ofSeconds(v.number(NocConfigKey.ALARM_INTERVAL_S)));
    }

    /** The retention of {@code r}'s buckets. */
    Duration retention(cn.egov.manager.noc.store.Resolution r) {
        return r == cn.egov.manager.noc.store.Resolution.MINUTE ? minuteRetention : hourRetention;
    }
}
