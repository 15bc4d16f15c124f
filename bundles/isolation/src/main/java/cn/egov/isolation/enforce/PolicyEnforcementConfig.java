package cn.egov.isolation.enforce;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link PolicyEnforcementComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(id = "cn.egov.isolation.enforce", name = "Isolation policy enforcement",
        description = "Applies the isolation policy with nftables (table inet egov), verifies it and raises alarms")
public @interface PolicyEnforcementConfig {

    @AttributeDefinition(name = "Policy directory", description = "Directory holding the *.policy files to enforce")
    String policy_directory() default "/etc/egov/policy";

    @AttributeDefinition(name = "Verify interval (s)", description = "How often the live table is read back and compared", min = "1")
    int verify_interval_s() default 60;

    @AttributeDefinition(name = "Denial poll interval (s)", description = "How often denial records are turned into alarms", min = "1")
    int denial_poll_interval_s() default 5;

    @AttributeDefinition(name = "Restore on drift", description = "Re-apply the policy when the live table was changed by hand")
    boolean auto_restore() default false;

    @AttributeDefinition(name = "nft command", description = "Command (and arguments) that runs nft, space separated")
    String nft_command() default "nft";

    @AttributeDefinition(name = "Lock file", description = "Serialises table changes with the appliance policy command")
    String lock_file() default "/run/egov-nft.lock";
}
