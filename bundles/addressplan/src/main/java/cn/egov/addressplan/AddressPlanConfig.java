package cn.egov.addressplan;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the conformance check (PID {@code cn.egov.addressplan}). */
@ObjectClassDefinition(id = AddressPlanComponent.PID, name = "Address plan conformance",
        description = "Checks the site's addresses, routes, neighbours, DHCP leases and host names against the province's address and domain plan.")
public @interface AddressPlanConfig {

    @AttributeDefinition(name = "Plan", description = "A plan file or a directory of *.plan files")
    String planPath() default "/etc/egov/plan";

    @AttributeDefinition(name = "Unit code", description = "CCCCCC-DDD; empty to take the box's identity")
    String unitCode() default "";

    @AttributeDefinition(name = "Interval (s)", description = "Seconds between checks", min = "10")
    int intervalSeconds() default 3600;

    @AttributeDefinition(name = "Ignored interfaces", description = "Interfaces not checked, e.g. the uplink whose address the backbone assigns")
    String[] ignoredInterfaces() default {"lo"};

    @AttributeDefinition(name = "Lease files", description = "dnsmasq or ISC dhcpd lease files; missing ones are skipped")
    String[] leaseFiles() default {"/var/lib/misc/dnsmasq.leases", "/var/lib/dhcp/dhcpd.leases"};

    @AttributeDefinition(name = "Hosts file", description = "Local host names; empty for none")
    String hostsFile() default "/etc/hosts";

    @AttributeDefinition(name = "Reverse names", description = "Also look up each neighbour's reverse DNS name")
    boolean reverseNames() default false;

    @AttributeDefinition(name = "ip binary", description = "Path of iproute2's ip")
    String ipBinary() default "ip";

    @AttributeDefinition(name = "Network namespace", description = "Read this namespace (ip -n) instead of the box's own; for labs")
    String namespace() default "";
}
