package cn.egov.manager.fleet;

/** A box's connection state, as Kapua names it. */
public enum BoxStatus {
    /** BIRTH seen, no DC/LWT since, health arriving. */
    CONNECTED,
    /** DC (orderly) or LWT (the broker saw the connection die). */
    DISCONNECTED,
    /** Connected, but no health for {@code fleet.missing-factor} health intervals. */
    MISSING
}
