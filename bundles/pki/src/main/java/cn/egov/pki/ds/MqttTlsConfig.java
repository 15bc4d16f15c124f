package cn.egov.pki.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of PID {@code cn.egov.pki.mqtt}. The component exists only while this configuration
 * does: set it (and {@code broker_url = ssl://...} in {@code cn.egov.telemetry}) once the box has
 * enrolled, because Paho refuses a TLS socket factory on a {@code tcp://} URL.
 */
@ObjectClassDefinition(id = MqttTlsComponent.PID, name = "MQTT over TLS with the box certificate",
        description = "Gives the telemetry bundle the box's certificate for MQTT over TLS (broker_url ssl://...).")
public @interface MqttTlsConfig {

    @AttributeDefinition(name = "Enabled", description = "Use the box certificate for the MQTT connection")
    boolean enabled() default true;
}
