package cn.egov.isolation.enforce;

import cn.egov.isolation.route.RouteGuardSettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link PolicyEnforcementComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/isolation-enforce", id = "cn.egov.isolation.enforce", name = "%name",
        description = "%description")
public @interface PolicyEnforcementConfig {

    @AttributeDefinition(name = "%policy_directory.name", required = false, description = "%policy_directory.description")
    String policy_directory() default "/etc/egov/policy";

    @AttributeDefinition(name = "%signed_state_directory.name", description = "%signed_state_directory.description")
    String signed_state_directory() default PolicyApplier.DEFAULT_SIGNED_STATE_DIRECTORY;

    @AttributeDefinition(name = "%verify_interval_s.name", description = "%verify_interval_s.description", min = "1")
    int verify_interval_s() default 60;

    @AttributeDefinition(name = "%denial_poll_interval_s.name", description = "%denial_poll_interval_s.description", min = "1")
    int denial_poll_interval_s() default 5;

    @AttributeDefinition(name = "%auto_restore.name", description = "%auto_restore.description")
    boolean auto_restore() default false;

    @AttributeDefinition(name = "%nft_command.name", description = "%nft_command.description")
    String nft_command() default "nft";

    @AttributeDefinition(name = "%nft_scratch_commands.name", description = "%nft_scratch_commands.description")
    String[] nft_scratch_commands() default {ProcessScratchNft.NET_NAMESPACE, ProcessScratchNft.USER_NET_NAMESPACE};

    @AttributeDefinition(name = "%lock_file.name", description = "%lock_file.description")
    String lock_file() default "/run/egov-nft.lock";

    @AttributeDefinition(name = "%route_guard_enabled.name", description = "%route_guard_enabled.description")
    boolean route_guard_enabled() default true;

    @AttributeDefinition(name = "%ip_command.name", description = "%ip_command.description")
    String ip_command() default "ip";

    @AttributeDefinition(name = "%route_guard_priority.name", description = "%route_guard_priority.description", min = "221", max = "32762")
    int route_guard_priority() default RouteGuardSettings.DEFAULT_PRIORITY;

    @AttributeDefinition(name = "%route_guard_protocol.name", description = "%route_guard_protocol.description",
            min = "5", max = "255")
    int route_guard_protocol() default RouteGuardSettings.DEFAULT_PROTOCOL;

    @AttributeDefinition(name = "%route_guard_interface_group.name", description = "%route_guard_interface_group.description", min = "1")
    int route_guard_interface_group() default RouteGuardSettings.DEFAULT_INTERFACE_GROUP;

    @AttributeDefinition(name = "%route_guard_isolated_interface_group.name", description = "%route_guard_isolated_interface_group.description", min = "1")
    int route_guard_isolated_interface_group() default RouteGuardSettings.DEFAULT_ISOLATED_GROUP;

    @AttributeDefinition(name = "%route_guard_isolated_zones.name", description = "%route_guard_isolated_zones.description")
    String[] route_guard_isolated_zones() default RouteGuardSettings.DEFAULT_ISOLATED_ZONE;

    @AttributeDefinition(name = "%route_guard_internet_zones.name", description = "%route_guard_internet_zones.description")
    String[] route_guard_internet_zones() default RouteGuardSettings.DEFAULT_INTERNET_ZONE;

    @AttributeDefinition(name = "%route_probe_destinations.name", description = "%route_probe_destinations.description")
    String[] route_probe_destinations() default {RouteGuardSettings.PROBE_1, RouteGuardSettings.PROBE_2,
            RouteGuardSettings.PROBE_3, RouteGuardSettings.PROBE_4};
}
