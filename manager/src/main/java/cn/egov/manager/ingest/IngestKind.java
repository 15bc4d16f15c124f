package cn.egov.manager.ingest;

/** What a decoded message is, by its topic: decides the table it goes to. */
public enum IngestKind {
    BIRTH, DC, LWT, HEALTH, ALARM, TELEMETRY;

    public boolean isLifecycle() {
        return this == BIRTH || this == DC || this == LWT;
    }
}
