package cn.egov.telemetry.outbox;

/**
 * SQLite's {@code PRAGMA synchronous} in WAL mode. {@link #FULL} fsyncs the WAL on every commit, so a
 * committed message survives power loss; {@link #NORMAL} fsyncs only at checkpoints, so it survives a
 * killed process but may lose the last commits when power fails. See the module README for figures.
 */
public enum SyncMode {
    NORMAL, FULL
}
