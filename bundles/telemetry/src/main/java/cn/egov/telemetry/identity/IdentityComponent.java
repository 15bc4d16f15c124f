package cn.egov.telemetry.identity;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.telemetry.ConfigValues;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** The box identity as an OSGi service; it exists only once PID {@code cn.egov.identity} is configured. */
@Component(configurationPid = IdentitySettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = IdentityProvider.class)
@Designate(ocd = IdentityConfig.class)
public final class IdentityComponent implements IdentityProvider {
    private final BoxIdentity identity;

    @Activate
    public IdentityComponent(Map<String, Object> properties) {
        // Invalid configuration fails activation: SCR logs the message, which names the key.
        this.identity = IdentitySettings.parse(new ConfigValues(IdentitySettings.PID, properties));
    }

    @Override
    public BoxIdentity identity() {
        return identity;
    }
}
