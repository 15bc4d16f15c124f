package cn.egov.console.ds;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.console}: the box's local web console. */
@ObjectClassDefinition(id = ConsoleComponent.PID, name = "Web console",
        description = "The box's local web console over HTTPS: status, self-test, configuration, logs, accounts, audit, "
                + "and the pages other bundles add (document exchange, duty, portal).")
public @interface ConsoleConfig {

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "HTTPS port (0: any free port, for tests)")
    int console_port() default 8443;

    @AttributeDefinition(name = "Bind address", description = "Address to listen on: 0.0.0.0 for every interface, "
            + "or one of the box's addresses (e.g. its internal LAN address)")
    String console_bind() default "0.0.0.0";

    @AttributeDefinition(name = "Threads", min = "4", max = "64",
            description = "Most threads of the web server (one acceptor and one selector included)")
    int console_threads() default 8;

    @AttributeDefinition(name = "Session idle timeout (min)", min = "1", max = "240")
    int session_idle_min() default 15;

    @AttributeDefinition(name = "Session lifetime (h)", min = "1", max = "24",
            description = "A session ends this long after log-in, used or not")
    int session_max_h() default 8;

    @AttributeDefinition(name = "Most sessions", min = "1", max = "10000",
            description = "Sessions at once; beyond it the one unused the longest ends")
    int session_max() default 200;

    @AttributeDefinition(name = "Failed log-ins allowed", min = "1", max = "100",
            description = "Failures per source address and per account within the window before log-in is refused (429)")
    int login_failures() default 5;

    @AttributeDefinition(name = "Failed log-in window (s)", min = "1", max = "86400")
    int login_window_s() default 60;

    @AttributeDefinition(name = "Throttle table size", min = "10", max = "1000000",
            description = "Most source addresses and most account names tracked for failed log-ins (each)")
    int login_track_max() default 10000;

    @AttributeDefinition(name = "Audit retention (days)", min = "183", max = "3650",
            description = "How long audit entries are kept; at least six months")
    int audit_retention_days() default 190;

    @AttributeDefinition(name = "Audit bound (entries)", min = "1000", max = "10000000",
            description = "Most audit entries kept whatever their age (store size); cutting younger entries is reported")
    int audit_max_rows() default 200000;

    @AttributeDefinition(name = "Certificate check (s)", min = "5", max = "86400",
            description = "How often the console looks for a new or renewed box certificate to serve")
    int certificate_check_s() default 60;

    @AttributeDefinition(name = "Certificate warning (days)", min = "1", max = "365",
            description = "Self-test warns when the box certificate expires within this many days")
    int certificate_warn_days() default 30;

    @AttributeDefinition(name = "Log lines", min = "10", max = "2000", description = "Recent log lines on the log page")
    int log_lines() default 500;
}
