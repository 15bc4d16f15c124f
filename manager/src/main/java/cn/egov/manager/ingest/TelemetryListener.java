package cn.egov.manager.ingest;

/**
 * Sees every message after it is committed to the store (duplicates are not passed on). Called on
 * the writer thread: keep it short, or hand off to your own bounded queue.
 */
@FunctionalInterface
public interface TelemetryListener {
    void onStored(IngestRecord.Decoded message);
}
