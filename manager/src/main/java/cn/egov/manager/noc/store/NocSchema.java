package cn.egov.manager.noc.store;

import java.util.List;

/**
 * The NOC part's tables (history table {@code schema_history_noc}): the boxes' downsampled health series
 * and what operators did with alarms. The alarms themselves stay in the shell's {@code alarms}
 * table; an operator's handling refers to one by its columns (see {@link AlarmRef}), because that
 * table has no identity column that SQLite and PostgreSQL share.
 */
public final class NocSchema {

    /** The part's name ({@code schema_history_<part>}). */
    public static final String PART = "noc";

    /** Schema steps: append, never edit a shipped one. */
    public static final List<String> MIGRATIONS = List.of(
            // 1: per box, metric and resolution one row per time bucket (min, max, sum and count of the
            // samples in it: the average is sum / n, and buckets merge by adding); a sample mark so a
            // restart replays what was stored but not yet bucketed; alarm handling and comments
            """
            CREATE TABLE noc_series (
              client_id TEXT NOT NULL, metric TEXT NOT NULL, resolution_s INTEGER NOT NULL, bucket BIGINT NOT NULL,
              n BIGINT NOT NULL, min_value DOUBLE PRECISION NOT NULL, max_value DOUBLE PRECISION NOT NULL,
              sum_value DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (client_id, metric, resolution_s, bucket)
            );
            CREATE INDEX noc_series_age ON noc_series (resolution_s, bucket);
            CREATE TABLE noc_series_mark (id INTEGER PRIMARY KEY, received BIGINT NOT NULL);
            CREATE TABLE noc_alarm_state (
              client_id TEXT NOT NULL, received BIGINT NOT NULL, ts BIGINT NOT NULL, kind TEXT NOT NULL,
              msg_epoch TEXT NOT NULL, msg_seq BIGINT NOT NULL,
              acknowledged_at BIGINT, acknowledged_by TEXT, assignee TEXT, assigned_at BIGINT, assigned_by TEXT,
              PRIMARY KEY (client_id, received, ts, kind, msg_epoch, msg_seq)
            );
            CREATE TABLE noc_alarm_comments (
              client_id TEXT NOT NULL, received BIGINT NOT NULL, ts BIGINT NOT NULL, kind TEXT NOT NULL,
              msg_epoch TEXT NOT NULL, msg_seq BIGINT NOT NULL,
              at BIGINT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL
            );
            CREATE INDEX noc_alarm_comments_alarm ON noc_alarm_comments (client_id, received)
            """,
            // 2: "is this alarm cleared since?" (AlarmBook's CLEARED_AT, asked once per alarm row by the
            // overview and the alarm list) was a scan of every later alarm of the same kind: 2 s for
            // 6,000 alarms (bench/RESULTS.md, "NOC pages at province scale"); this makes it one seek
            """
            CREATE INDEX noc_alarms_cleared ON alarms (client_id, kind, severity, received)
            """,
            // 3: the start's replay reads the health messages in pages by arrival time (Downsampler):
            // without this each page would scan and sort the whole table
            """
            CREATE INDEX noc_health_received ON health_samples (received)
            """
    );

    private NocSchema() {
    }
}
