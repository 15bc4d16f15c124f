package cn.egov.telemetry.ds;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.launcher.BoxUpdates;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.update.UpdateWire;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the launcher's updater ({@link BoxUpdates}, registered by {@code appliance run}) to this
 * box's MQTT connection: the manager's update requests on {@code $EDC/<account>/<unit>/UPDATE/EXEC/install}
 * go to it, its reports go out on {@code <account>/<unit>/UPDATE/progress} through the durable outbox.
 * Not active where no launcher offers an updater (tests, a framework started otherwise).
 */
@Component(immediate = true, service = {})
public final class UpdateBridgeComponent {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateBridgeComponent.class);

    @Reference
    private BoxUpdates updates;
    @Reference
    private ControlChannel control;
    @Reference
    private TelemetryPublisher telemetry;

    private ControlChannel.Subscription subscription;

    @Activate
    void activate() {
        updates.reports(bytes -> {
            try {
                telemetry.publish(UpdateWire.APP_ID, UpdateWire.PROGRESS_RESOURCE, KuraPayloadCodec.decode(bytes), Priority.STATE);
            } catch (PayloadFormatException e) {
                LOG.error("update report not sent: {}", e.getMessage());
            }
        });
        subscription = control.subscribe(UpdateWire.APP_ID, UpdateWire.EXEC_RESOURCE, (topic, payload) -> updates.request(payload));
    }

    @Deactivate
    void deactivate() {
        if (subscription != null) {
            subscription.close();
        }
        updates.reports(null);
    }
}
