package cn.egov.api.telemetry;

/**
 * Names of the application ids and metrics that box and manager agree on. Lifecycle (BIRTH)
 * metric names follow Kura's own, so that a Kura/Kapua tool reads them.
 */
public final class BoxMetrics {
    private BoxMetrics() {
    }

    /** Application id for periodic health: {@code <account>/<client-id>/HEALTH/status}. */
    public static final String HEALTH_APP = "HEALTH";
    public static final String HEALTH_RESOURCE = "status";

    // BIRTH metrics, as Kura names them
    public static final String UPTIME = "uptime";
    public static final String DISPLAY_NAME = "display_name";
    public static final String MODEL_ID = "model_id";
    public static final String SERIAL_NUMBER = "serial_number";
    public static final String FIRMWARE_VERSION = "firmware_version";
    public static final String OS = "os";
    public static final String OS_VERSION = "os_version";
    public static final String JVM_NAME = "jvm_name";
    public static final String JVM_VERSION = "jvm_version";
    public static final String OSGI_FRAMEWORK = "osgi_framework";
    public static final String CONNECTION_INTERFACE = "connection_interface";
    public static final String CONNECTION_IP = "connection_ip";
    public static final String APPLICATION_IDS = "application_ids";
    /** Our addition to BIRTH: the unit code (CCCCCC-DDD). */
    public static final String UNIT_CODE = "unit_code";
    /** Our addition to BIRTH: the health interval in seconds, so the manager knows when a box is MISSING. */
    public static final String HEALTH_INTERVAL_S = "health_interval_s";

    // Health metrics
    public static final String HEAP_USED_BYTES = "heap_used_bytes";
    public static final String HEAP_MAX_BYTES = "heap_max_bytes";
    public static final String CPU_LOAD = "cpu_load";
    public static final String DISK_FREE_BYTES = "disk_free_bytes";
    public static final String OUTBOX_DEPTH = "outbox_depth";
    public static final String OUTBOX_EVICTED = "outbox_evicted";
    /** Messages the broker acknowledged since the outbox database was created. */
    public static final String OUTBOX_SENT = "outbox_sent";
    /** The configured outbox bound (depth may exceed it only with priority 0/1 messages). */
    public static final String OUTBOX_CAPACITY = "outbox_capacity";
    /** Alarm kind: the outbox is full and evicts its lowest-priority, oldest messages. */
    public static final String OUTBOX_EVICTION_ALARM = "outbox.eviction";
    /** Alarm kind: priority 0/1 messages alone exceed the outbox capacity; it grows rather than lose them. */
    public static final String OUTBOX_OVERFLOW_ALARM = "outbox.overflow";

    /** Tunnel state and counters: {@code <account>/<client-id>/VPN/tunnel}; metrics state (UP/DOWN),
     *  established_s, rekeys, bytes_in, bytes_out, packets_in, packets_out, initiations, failures. */
    public static final String VPN_APP = "VPN";
    public static final String VPN_RESOURCE = "tunnel";
    /** Alarm kind raised when the tunnel goes down (CLEARED when it is up again). */
    public static final String VPN_DOWN_ALARM = "vpn.down";

    /** Isolation policy state: {@code <account>/<client-id>/ISOLATION/policy}; metrics below. */
    public static final String ISOLATION_APP = "ISOLATION";
    public static final String POLICY_RESOURCE = "policy";
    public static final String POLICY_NAME = "policy_name";
    public static final String POLICY_VERSION = "policy_version";
    public static final String POLICY_SHA256 = "policy_sha256";
    /** ms since the epoch when the ruleset was applied. */
    public static final String POLICY_APPLIED_AT = "policy_applied_at";
    /** ms since the epoch of the last read-back that matched (0 = never). */
    public static final String POLICY_VERIFIED_AT = "policy_verified_at";
    /** true while the live table differs from the policy. */
    public static final String POLICY_DRIFT = "policy_drift";
    /** IN_FORCE, DRIFT, REJECTED (last apply refused, previous in force) or NONE. */
    public static final String POLICY_STATE = "policy_state";
    /** Route guard (same message): NO_ROUTE when no isolated interface has a route to the Internet, else FINDINGS. */
    public static final String ROUTE_STATE = "route_state";
    /** ms since the epoch of the last route check. */
    public static final String ROUTE_CHECKED_AT = "route_checked_at";
    /** Number of route findings at the last check (routes to the Internet, split default routes, guard problems). */
    public static final String ROUTE_FINDINGS = "route_findings";
}
