package cn.egov.manager.noc;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    static SeriesSettings from(Map<String, String> keys) {
        return new SeriesSettings(Boolean.parseBoolean(keys.get(NocConfigKey.SERIES_ENABLED.shortKey)), Arrays.stream(keys.get(NocConfigKey.SERIES_METRICS.shortKey).split(",")).map(String::strip).toList(),
                Duration.ofHours(Long.parseLong(keys.get(NocConfigKey.SERIES_MINUTE_HOURS.shortKey))),
                Duration.ofDays(Long.parseLong(keys.get(NocConfigKey.SERIES_HOUR_DAYS.shortKey))),
                Integer.parseInt(keys.get(NocConfigKey.SERIES_QUEUE.shortKey)),
                Integer.parseInt(keys.get(NocConfigKey.SERIES_BATCH.shortKey)),
                Integer.parseInt(keys.get(NocConfigKey.SERIES_REPLAY_PAGE.shortKey)),
                Duration.ofSeconds(Long.parseLong(keys.get(NocConfigKey.SERIES_TRIM_PERIOD_S.shortKey))),
                Duration.ofSeconds(Long.parseLong(keys.get(NocConfigKey.ALARM_INTERVAL_S.shortKey))));
    }

    /** The retention of {@code r}'s buckets. */
    Duration retention(cn.egov.manager.noc.store.Resolution r) {
        return r == cn.egov.manager.noc.store.Resolution.MINUTE ? minuteRetention : hourRetention;
    }
}
