package cn.egov.manager.ingest;

/**
 * Sees every message after it is committed to the store (duplicates are not passed on), in commit
 * order. Called on thread {@code ingest-listeners} ({@link ListenerFeed}), not the writer's: keep it
 * short all the same (once the listeners' bounded queue is full the writer waits for it), or hand off
 * to your own bounded queue.
 */
@FunctionalInterface
public interface TelemetryListener {
    void onStored(IngestRecord.Decoded message);
}
