package cn.egov.manager.ingest;

/** Why a message was not stored as a message; counted per reason in {@code /api/metrics}. */
public enum MalformedReason {
    /** Larger than {@code ingest.max-payload-bytes}: not decoded. */
    TOO_LARGE("too-large"),
    /** Not in Kura's topic namespace. */
    BAD_TOPIC("bad-topic"),
    /** Another account than the configured one. */
    WRONG_ACCOUNT("wrong-account"),
    /** The client id level is not a unit code (CCCCCC-DDD). */
    UNKNOWN_CLIENT_ID("unknown-client-id"),
    /** Not a KuraPayload protobuf (random bytes, truncated). */
    BAD_PAYLOAD("bad-payload"),
    /** A known metric with the wrong type (e.g. cpu_load as a string, msg.seq as a double). */
    WRONG_METRIC_TYPE("wrong-metric-type"),
    /** A metric name or string value longer than its bound (see {@code MessageDecoder}). */
    STRING_TOO_LONG("string-too-long"),
    /** BIRTH names another unit code than its topic's client id. */
    IDENTITY_MISMATCH("identity-mismatch"),
    /** {@code $EDC/<acct>/<client>/MQTT/<x>} with an unknown x. */
    UNKNOWN_LIFECYCLE("unknown-lifecycle"),
    /** A unit that is no box of this manager: outside the province, or not in the plan in force. Never enters the fleet. */
    UNKNOWN_UNIT("unknown-unit"),
    /** The store refused the message on its own (kept as evidence, acknowledged so the rest flows). */
    STORE_ERROR("store-error");

    public final String label;

    MalformedReason(String label) {
        this.label = label;
    }
}
