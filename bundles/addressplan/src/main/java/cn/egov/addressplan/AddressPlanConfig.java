package cn.egov.addressplan;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the conformance check (PID {@code cn.egov.addressplan}). */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/addressplan", id = AddressPlanComponent.PID, name = "%name",
        description = "%description")
public @interface AddressPlanConfig {

    @AttributeDefinition(name = "%planPath.name", description = "%planPath.description")
    String planPath() default "/etc/egov/plan";

    @AttributeDefinition(name = "%unitCode.name", description = "%unitCode.description")
    String unitCode() default "";

    @AttributeDefinition(name = "%intervalSeconds.name", description = "%intervalSeconds.description", min = "10")
    int intervalSeconds() default 3600;

    @AttributeDefinition(name = "%ignoredInterfaces.name", description = "%ignoredInterfaces.description")
    String[] ignoredInterfaces() default {"lo"};

    @AttributeDefinition(name = "%leaseFiles.name", description = "%leaseFiles.description")
    String[] leaseFiles() default {"/var/lib/misc/dnsmasq.leases", "/var/lib/dhcp/dhcpd.leases"};

    @AttributeDefinition(name = "%hostsFile.name", description = "%hostsFile.description")
    String hostsFile() default "/etc/hosts";

    @AttributeDefinition(name = "%reverseNames.name", description = "%reverseNames.description")
    boolean reverseNames() default false;

    @AttributeDefinition(name = "%ipBinary.name", description = "%ipBinary.description")
    String ipBinary() default "ip";

    @AttributeDefinition(name = "%namespace.name", description = "%namespace.description")
    String namespace() default "";
}
