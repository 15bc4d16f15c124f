package cn.egov.telemetry.ds;

import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.telemetry.ConfigValues;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.TlsSocketFactorySource;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The telemetry stack as the box's {@link TelemetryPublisher} service. A configuration change or a
 * new TLS source restarts it (static references); queued messages stay in the outbox meanwhile.
 */
// Immediate: the box connects, publishes BIRTH and health even before any capability uses the service.
@Component(configurationPid = TelemetrySettings.PID, service = TelemetryPublisher.class, immediate = true)
@Designate(ocd = TelemetryConfig.class)
public final class TelemetryComponent implements TelemetryPublisher {
    private final TelemetryRuntime runtime;

    @Activate
    public TelemetryComponent(BundleContext context, Map<String, Object> properties,
                              @Reference(name = "identity") IdentityProvider identity,
                              @Reference(name = "tls", cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
                              TlsSocketFactorySource tls) {
        TelemetrySettings settings = TelemetrySettings.parse(new ConfigValues(TelemetrySettings.PID, properties));
        if (tls != null) {
            settings = new TelemetrySettings(settings.mqtt().withTls(tls::socketFactory), settings.outbox(), settings.healthInterval());
        }
        String framework = context.getProperty(Constants.FRAMEWORK_VENDOR) + " " + context.getProperty(Constants.FRAMEWORK_VERSION);
        this.runtime = TelemetryRuntime.start(identity.identity(), settings, framework);
    }

    @Override
    public void publish(String appId, String resource, KuraPayload payload, int priority) {
        runtime.publisher().publish(appId, resource, payload, priority);
    }

    @Deactivate
    void deactivate() {
        runtime.close();
    }
}
