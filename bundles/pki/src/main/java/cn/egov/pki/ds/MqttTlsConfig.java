package cn.egov.pki.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of PID {@code cn.egov.pki.mqtt}. The component exists only while this configuration
 * does: set it (and {@code broker_url = ssl://...} in {@code cn.egov.telemetry}) once the box has
 * enrolled, because Paho refuses a TLS socket factory on a {@code tcp://} URL.
 */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/mqtttls", id = MqttTlsComponent.PID, name = "%name",
        description = "%description")
public @interface MqttTlsConfig {

    @AttributeDefinition(name = "%enabled.name", description = "%enabled.description")
    boolean enabled() default true;
}
