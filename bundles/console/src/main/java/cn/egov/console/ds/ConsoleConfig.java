package cn.egov.console.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.console}: the box's local web console. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/console", id = ConsoleComponent.PID, name = "%name",
        description = "%description")
public @interface ConsoleConfig {

    @AttributeDefinition(name = "%console_port.name", min = "0", max = "65535", description = "%console_port.description")
    int console_port() default 8443;

    @AttributeDefinition(name = "%console_bind.name", description = "%console_bind.description")
    String console_bind() default "0.0.0.0";

    @AttributeDefinition(name = "%console_threads.name", min = "4", max = "64",
            description = "%console_threads.description")
    int console_threads() default 8;

    @AttributeDefinition(name = "%console_max_connections.name", min = "2", max = "1024",
            description = "%console_max_connections.description")
    int console_max_connections() default 32;

    @AttributeDefinition(name = "%session_idle_min.name", min = "1", max = "240")
    int session_idle_min() default 15;

    @AttributeDefinition(name = "%session_max_h.name", min = "1", max = "24",
            description = "%session_max_h.description")
    int session_max_h() default 8;

    @AttributeDefinition(name = "%session_max.name", min = "1", max = "10000",
            description = "%session_max.description")
    int session_max() default 200;

    @AttributeDefinition(name = "%login_failures.name", min = "1", max = "100",
            description = "%login_failures.description")
    int login_failures() default 5;

    @AttributeDefinition(name = "%login_window_s.name", min = "1", max = "86400")
    int login_window_s() default 60;

    @AttributeDefinition(name = "%login_track_max.name", min = "10", max = "1000000",
            description = "%login_track_max.description")
    int login_track_max() default 10000;

    @AttributeDefinition(name = "%audit_retention_days.name", min = "183", max = "3650",
            description = "%audit_retention_days.description")
    int audit_retention_days() default 190;

    @AttributeDefinition(name = "%audit_max_rows.name", min = "1000", max = "10000000",
            description = "%audit_max_rows.description")
    int audit_max_rows() default 200000;

    @AttributeDefinition(name = "%certificate_check_s.name", min = "5", max = "86400",
            description = "%certificate_check_s.description")
    int certificate_check_s() default 60;

    @AttributeDefinition(name = "%certificate_warn_days.name", min = "1", max = "365",
            description = "%certificate_warn_days.description")
    int certificate_warn_days() default 30;

    @AttributeDefinition(name = "%log_lines.name", min = "10", max = "2000", description = "%log_lines.description")
    int log_lines() default 500;
}
