package cn.egov.telemetry.ds;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.control.ControlListener;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.telemetry.ConfigValues;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.health.StandingAlarmBoard;
import cn.egov.telemetry.health.TelemetrySelfTest;
import cn.egov.telemetry.mqtt.TlsSocketFactorySource;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The telemetry stack as the box's {@link TelemetryPublisher} service. A configuration change
 * restarts it; queued messages stay in the outbox meanwhile.
 *
 * <p>The TLS source is a dynamic reference, asked at every connect: when the PKI bundle (which
 * itself reports through this service) registers or renews it, the next connection uses it without
 * restarting this component, so the two do not form a reference cycle.
 */
// Immediate: the box connects, publishes BIRTH and health even before any capability uses the service.
// Also the ControlChannel: cloud-to-device messages share the box's one MQTT connection, and a
// SelfTest check for the console (MQTT link, outbox depth). Every alarm passes here, so the box's
// standing conditions (StandingAlarms, read by the launcher's status) are kept here too.
@Component(configurationPid = TelemetrySettings.PID,
        service = {TelemetryPublisher.class, ControlChannel.class, SelfTest.class, StandingAlarms.class},
        immediate = true)
@Designate(ocd = TelemetryConfig.class)
public final class TelemetryComponent implements TelemetryPublisher, ControlChannel, SelfTest, StandingAlarms {

    @Reference(name = "identity")
    private IdentityProvider identity;

    @Reference(name = "tls", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsSocketFactorySource tls;

    private final StandingAlarmBoard conditions = new StandingAlarmBoard();
    private TelemetryRuntime runtime;
    private String broker;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        TelemetrySettings parsed = TelemetrySettings.parse(new ConfigValues(TelemetrySettings.PID, properties));
        TelemetrySettings settings = new TelemetrySettings(parsed.mqtt().withTls(() -> {
            TlsSocketFactorySource source = tls;
            return source == null ? null : source.socketFactory();
        }), parsed.outbox(), parsed.healthInterval());
        String framework = FrameworkName.of(context.getBundle(Constants.SYSTEM_BUNDLE_ID));
        this.runtime = TelemetryRuntime.start(identity.identity(), settings, framework);
        this.broker = String.join(", ", settings.mqtt().brokerUrls());
    }

    @Override
    public void publish(String appId, String resource, KuraPayload payload, int priority) {
        runtime.publisher().publish(appId, resource, payload, priority);
    }

    @Override
    public void alarm(Alarm alarm) {
        if (alarm.severity() == Alarm.Severity.CLEARED) {
            conditions.record(alarm); // a CLEARED alarm ends the condition of its kind, however it was sent
        }
        TelemetryPublisher.super.alarm(alarm);
    }

    @Override
    public void condition(Alarm alarm) {
        conditions.record(alarm);
        TelemetryPublisher.super.alarm(alarm);
    }

    @Override
    public List<Standing> standing() {
        return conditions.standing();
    }

    @Override
    public void publishAll(java.util.List<Message> messages) {
        runtime.publisher().publishAll(messages);
    }

    @Override
    public Subscription subscribe(String appId, String resource, ControlListener listener) {
        return runtime.mqtt().subscribe(appId, resource, listener);
    }

    @Override
    public String name() {
        return "遥测 MQTT link and outbox";
    }

    @Override
    public Result run() {
        return TelemetrySelfTest.judge(runtime.mqtt().isConnected(), broker, runtime.outbox().stats());
    }

    @Deactivate
    void deactivate() {
        runtime.close();
    }
}
