package cn.egov.telemetry.identity;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of the box identity (PID {@code cn.egov.identity}); {@link IdentitySettings} validates it. */
@ObjectClassDefinition(id = IdentitySettings.PID, name = "Box identity",
        description = "Who this box is: its unit code is also its MQTT client id.")
public @interface IdentityConfig {

    @AttributeDefinition(name = "Unit code", description = "CCCCCC-DDD: GB/T 2260 county code and 3-digit department, e.g. 130602-001")
    String unit_code();

    @AttributeDefinition(name = "Serial number", description = "Hardware serial number of the box")
    String serial_number();

    @AttributeDefinition(name = "Display name", required = false, description = "A name a technician recognises; defaults to the unit code")
    String display_name() default "";
}
