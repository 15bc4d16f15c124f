package cn.egov.isolation.monitor;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link TrafficMonitorComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(id = "cn.egov.isolation.monitor", name = "Isolation traffic monitor",
        description = "Captures the zone interfaces with libpcap and raises an alarm for each flow that breaks the isolation policy")
public @interface TrafficMonitorConfig {

    @AttributeDefinition(name = "Policy directory", description = "Directory holding the *.policy files the traffic is checked against")
    String policy_directory() default "/etc/egov/policy";

    @AttributeDefinition(name = "Address plan", description = "Address plan file or directory (*.plan); empty: next to the policy directory."
            + " With the unit code, its allocations are what hosts on the internal and external LANs must use (unplanned-host check)")
    String plan_path() default "";

    @AttributeDefinition(name = "Unit code", description = "CCCCCC-DDD: the unit whose plan allocations place addresses in zones"
            + " and that hosts on its LANs must use; empty: no unplanned-host check (said once in the log and in the stats)")
    String unit_code() default "";

    @AttributeDefinition(name = "Interfaces", description = "Interfaces to capture; empty: every interface the policy names")
    String[] interfaces() default {};

    @AttributeDefinition(name = "Snap length", description = "Bytes kept per frame (headers only)", min = "64")
    int snap_length() default 128;

    @AttributeDefinition(name = "Capture buffer (bytes)", description = "libpcap buffer per interface; absorbs bursts", min = "65536")
    int buffer_bytes() default 16 * 1024 * 1024;

    @AttributeDefinition(name = "Promiscuous", description = "Also see frames between hosts of a LAN, not only those through the box")
    boolean promiscuous() default true;

    @AttributeDefinition(name = "Inbound only", description = "Capture frames arriving on each interface only (each packet once, on its zone's interface)")
    boolean inbound_only() default true;

    @AttributeDefinition(name = "Network namespace", description = "Capture inside this network namespace (ip netns); empty: the box's own")
    String network_namespace() default "";

    @AttributeDefinition(name = "Flow table size", description = "Violating flows remembered for de-duplication", min = "1024")
    int flow_table() default 65_536;

    @AttributeDefinition(name = "Unplanned-host table size", description = "Unplanned hosts (interface, address, MAC) remembered, each"
            + " reported once; when full it is cleared, counted and raises isolation.monitor-table-overflow", min = "16")
    int unplanned_host_table() default LiveMonitor.DEFAULT_HOST_TABLE;

    @AttributeDefinition(name = "Alarms per second", description = "Sustained alarm rate; beyond it findings are counted and summarised", min = "1")
    int alarms_per_second() default 20;

    @AttributeDefinition(name = "Alarm burst", description = "Alarms allowed at once", min = "1")
    int alarm_burst() default 100;

    @AttributeDefinition(name = "Alarm queue", description = "Alarms waiting for the telemetry outbox at most", min = "16")
    int alarm_queue() default 1_000;

    @AttributeDefinition(name = "Stats interval (s)", description = "How often capture counters are published and drops checked", min = "1")
    int stats_interval_s() default 60;
}
