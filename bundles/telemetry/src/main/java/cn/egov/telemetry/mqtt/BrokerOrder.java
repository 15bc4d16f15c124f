package cn.egov.telemetry.mqtt;

/**
 * Where in its list of broker endpoints the box starts at each connect.
 *
 * <p>{@link #IN_ORDER}: always the first, the next only when it refuses (a preferred node with
 * stand-bys). {@link #RANDOM_START}: a random one, then the rest in list order, so that thousands
 * of boxes reconnecting after an outage spread over the nodes instead of all hitting the first.
 */
public enum BrokerOrder {
    IN_ORDER,
    RANDOM_START
}
