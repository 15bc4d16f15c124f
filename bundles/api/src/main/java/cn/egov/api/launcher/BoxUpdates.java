package cn.egov.api.launcher;

import java.util.function.Consumer;

/**
 * The box's updater as seen from inside the OSGi framework: the launcher ({@code appliance run})
 * registers it from the system bundle (like {@link BoxLauncher}), because the updater restarts the
 * framework and runs outside it. The bundle holding the MQTT connection (telemetry) hands it the
 * manager's update requests and gives it a way to report. Only {@code byte[]} crosses: the raw
 * KuraPayloads of {@code cn.egov.api.update.UpdateWire}.
 *
 * <pre>{@code
 * updates.reports(bytes -> telemetry.publish(UpdateWire.APP_ID, UpdateWire.PROGRESS_RESOURCE, KuraPayloadCodec.decode(bytes), Priority.STATE));
 * control.subscribe(UpdateWire.APP_ID, UpdateWire.EXEC_RESOURCE, (topic, payload) -> updates.request(payload));
 * }</pre>
 */
public interface BoxUpdates {

    /** A request from the manager ({@code $EDC/<account>/<unit>/UPDATE/EXEC/install}); returns at once, the work runs on the updater's thread. */
    void request(byte[] payload);

    /**
     * Where the updater publishes its reports (encoded KuraPayloads for {@code <account>/<unit>/UPDATE/progress});
     * reports made while there is none wait (a bounded number) until one is set. {@code null} when the publisher goes.
     */
    void reports(Consumer<byte[]> publisher);
}
