package cn.egov.telemetry.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param path                  the SQLite database file
 * @param capacity              messages kept before eviction starts (priorities 0 and 1 may exceed it)
 * @param syncMode              see {@link SyncMode}; {@link SyncMode#FULL} for power-loss safety
 * @param alarmInterval         least time between two eviction (or overflow) alarms, so that alarms
 *                              cannot themselves fill the outbox
 */
public record OutboxSettings(Path path, int capacity, SyncMode syncMode, Duration alarmInterval) {
    public static final int DEFAULT_CAPACITY = 10_000;
    public static final Duration DEFAULT_ALARM_INTERVAL = Duration.ofMinutes(10);

    public OutboxSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(syncMode, "syncMode");
        Objects.requireNonNull(alarmInterval, "alarmInterval");
        if (capacity < 1) {
            throw new IllegalArgumentException("outbox capacity must be at least 1, got " + capacity);
        }
    }

    public static OutboxSettings of(Path path, int capacity) {
        return new OutboxSettings(path, capacity, SyncMode.FULL, DEFAULT_ALARM_INTERVAL);
    }
}
