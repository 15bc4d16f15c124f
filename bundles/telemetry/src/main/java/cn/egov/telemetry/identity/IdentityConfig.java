package cn.egov.telemetry.identity;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of the box identity (PID {@code cn.egov.identity}); {@link IdentitySettings} validates it. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/identity", id = IdentitySettings.PID, name = "%name",
        description = "%description")
public @interface IdentityConfig {

    @AttributeDefinition(name = "%unit_code.name", description = "%unit_code.description")
    String unit_code();

    @AttributeDefinition(name = "%serial_number.name", description = "%serial_number.description")
    String serial_number();

    @AttributeDefinition(name = "%display_name.name", required = false, description = "%display_name.description")
    String display_name() default "";
}
