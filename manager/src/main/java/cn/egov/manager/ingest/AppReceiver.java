package cn.egov.manager.ingest;

/**
 * A part that takes one application's telemetry off the manager's MQTT session itself instead of
 * ingest storing it (the exchange hub: receipts, answers and registrations of boxes). The manager
 * keeps one session with the broker: an external Mosquitto gives the manager's user one client id
 * (use_username_as_clientid), so a second session of a part would take ingest's over.
 *
 * <p>Called on the session's receive thread, in arrival order. It may wait (when the part's own
 * bounded queue is full): the broker then keeps the rest, for ingest too, as when ingest's queue is
 * full. It must not wait for anything published through the same session to complete (that needs
 * the receive thread). The receiver acknowledges each message with {@code acks} once it has
 * committed it; until then the broker holds it, and a manager that stops in between gets it again.
 */
@FunctionalInterface
public interface AppReceiver {
    void onArrived(InboundMessage message, Acknowledger acks) throws InterruptedException;
}
