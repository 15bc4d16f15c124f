package cn.egov.isolation.monitor;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link TrafficMonitorComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/isolation-monitor", id = "cn.egov.isolation.monitor", name = "%name",
        description = "%description")
public @interface TrafficMonitorConfig {

    @AttributeDefinition(name = "%policy_directory.name", description = "%policy_directory.description")
    String policy_directory() default "/etc/egov/policy";

    @AttributeDefinition(name = "%plan_path.name", description = "%plan_path.description")
    String plan_path() default "";

    @AttributeDefinition(name = "%unit_code.name", description = "%unit_code.description")
    String unit_code() default "";

    @AttributeDefinition(name = "%interfaces.name", description = "%interfaces.description")
    String[] interfaces() default {};

    @AttributeDefinition(name = "%snap_length.name", description = "%snap_length.description", min = "64")
    int snap_length() default 128;

    @AttributeDefinition(name = "%buffer_bytes.name", description = "%buffer_bytes.description", min = "65536")
    int buffer_bytes() default 16 * 1024 * 1024;

    @AttributeDefinition(name = "%promiscuous.name", description = "%promiscuous.description")
    boolean promiscuous() default true;

    @AttributeDefinition(name = "%inbound_only.name", description = "%inbound_only.description")
    boolean inbound_only() default true;

    @AttributeDefinition(name = "%network_namespace.name", description = "%network_namespace.description")
    String network_namespace() default "";

    @AttributeDefinition(name = "%flow_table.name", description = "%flow_table.description", min = "1024")
    int flow_table() default 65_536;

    @AttributeDefinition(name = "%unplanned_host_table.name", description = "%unplanned_host_table.description", min = "16")
    int unplanned_host_table() default LiveMonitor.DEFAULT_HOST_TABLE;

    @AttributeDefinition(name = "%alarms_per_second.name", description = "%alarms_per_second.description", min = "1")
    int alarms_per_second() default 20;

    @AttributeDefinition(name = "%alarm_burst.name", description = "%alarm_burst.description", min = "1")
    int alarm_burst() default 100;

    @AttributeDefinition(name = "%alarm_queue.name", description = "%alarm_queue.description", min = "16")
    int alarm_queue() default 1_000;

    @AttributeDefinition(name = "%stats_interval_s.name", description = "%stats_interval_s.description", min = "1")
    int stats_interval_s() default 60;
}
