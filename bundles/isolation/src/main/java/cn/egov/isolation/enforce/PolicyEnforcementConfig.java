package cn.egov.isolation.enforce;

import cn.egov.isolation.route.RouteGuardSettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link PolicyEnforcementComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(id = "cn.egov.isolation.enforce", name = "Isolation policy enforcement",
        description = "Applies the isolation policy with nftables (table inet egov), verifies it and raises alarms")
public @interface PolicyEnforcementConfig {

    @AttributeDefinition(name = "Policy directory", required = false, description = "Directory holding the *.policy files to "
            + "enforce (the local policy, also the fallback when the signed one cannot be restored); empty: none, only the "
            + "manager's signed policy")
    String policy_directory() default "/etc/egov/policy";

    @AttributeDefinition(name = "Signed policy state", description = "State directory of the signed policy component "
            + "(cn.egov.isolation.signed state.directory). When it holds an accepted bundle, that bundle is put in force at start "
            + "instead of the policy directory, which is then only the fallback")
    String signed_state_directory() default PolicyApplier.DEFAULT_SIGNED_STATE_DIRECTORY;

    @AttributeDefinition(name = "Verify interval (s)", description = "How often the live table is read back and compared", min = "1")
    int verify_interval_s() default 60;

    @AttributeDefinition(name = "Denial poll interval (s)", description = "How often denial records are turned into alarms", min = "1")
    int denial_poll_interval_s() default 5;

    @AttributeDefinition(name = "Restore on drift", description = "Re-apply the policy when the live table was changed by hand")
    boolean auto_restore() default false;

    @AttributeDefinition(name = "nft command", description = "Command (and arguments) that runs nft, space separated")
    String nft_command() default "nft";

    @AttributeDefinition(name = "Scratch namespace commands", description = "Commands (and arguments, space separated) that "
            + "run a program in new, empty namespaces, tried in order until one works: the policy's ruleset is loaded there and "
            + "listed back, and the live table must match that listing exactly. The second default needs no CAP_SYS_ADMIN "
            + "(a user namespace keeps CAP_NET_ADMIN)")
    String[] nft_scratch_commands() default {ProcessScratchNft.NET_NAMESPACE, ProcessScratchNft.USER_NET_NAMESPACE};

    @AttributeDefinition(name = "Lock file", description = "Serialises table changes with the appliance policy command")
    String lock_file() default "/run/egov-nft.lock";

    @AttributeDefinition(name = "Route guard", description = "Keep the isolated zones without a route to the Internet, and "
            + "the Internet without a route to them (policy-routing rules, independent of nftables); check it at every verification")
    boolean route_guard_enabled() default true;

    @AttributeDefinition(name = "ip command", description = "Command (and arguments) that runs iproute2's ip, space separated")
    String ip_command() default "ip";

    @AttributeDefinition(name = "Route guard priority", description = "Priority of the guard's first ip rule (the other three take "
            + "the next ones): after strongSwan's rule (220) and before the main table's (32766)", min = "221", max = "32762")
    int route_guard_priority() default RouteGuardSettings.DEFAULT_PRIORITY;

    @AttributeDefinition(name = "Route guard protocol", description = "ip rule 'protocol' value that marks the guard's rules "
            + "as ours; only rules with it are ever changed (0-4 are the kernel's; the default is unassigned in iproute2's rt_protos)",
            min = "5", max = "255")
    int route_guard_protocol() default RouteGuardSettings.DEFAULT_PROTOCOL;

    @AttributeDefinition(name = "Route guard interface group", description = "Interface group given to the Internet-facing "
            + "interfaces; the guard suppresses routes through them for the isolated zones (0 is the default group)", min = "1")
    int route_guard_interface_group() default RouteGuardSettings.DEFAULT_INTERFACE_GROUP;

    @AttributeDefinition(name = "Route guard isolated interface group", description = "Interface group given to the isolated "
            + "zones' interfaces; the guard suppresses routes through them for traffic that arrives from the Internet "
            + "(must differ from the Internet interfaces' group)", min = "1")
    int route_guard_isolated_interface_group() default RouteGuardSettings.DEFAULT_ISOLATED_GROUP;

    @AttributeDefinition(name = "Isolated zones", description = "Policy zones that must have no route to the Internet")
    String[] route_guard_isolated_zones() default RouteGuardSettings.DEFAULT_ISOLATED_ZONE;

    @AttributeDefinition(name = "Internet zones", description = "Policy zones whose interfaces lead to the Internet")
    String[] route_guard_internet_zones() default RouteGuardSettings.DEFAULT_INTERNET_ZONE;

    @AttributeDefinition(name = "Route probes", description = "Addresses outside every government prefix; the kernel is asked "
            + "how it would route them from each isolated interface (no packet is sent). Default: public DNS resolvers "
            + "in 0.0.0.0/1, 128.0.0.0/1 and IPv6")
    String[] route_probe_destinations() default {RouteGuardSettings.PROBE_1, RouteGuardSettings.PROBE_2,
            RouteGuardSettings.PROBE_3, RouteGuardSettings.PROBE_4};
}
