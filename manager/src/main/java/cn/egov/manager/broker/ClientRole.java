package cn.egov.manager.broker;

/** What an authenticated client may do; decided at CONNECT from the listener and the credentials. */
public enum ClientRole {
    /** The manager's own subscriber: reads everything, writes requests and policy to boxes. */
    MANAGER,
    /** A box: publishes only under its own unit code, subscribes only inside its own control namespace. */
    BOX,
    /** A NOC operator: subscribes to the account's telemetry and to {@code $EDC/...}, never publishes. */
    NOC
}
