package cn.egov.isolation.signed;

import cn.egov.isolation.enforce.PolicyApplier;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link SignedPolicyComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(id = "cn.egov.isolation.signed", name = "Signed isolation policy",
        description = "Receives isolation policy bundles signed by the provincial manager, verifies them and applies them")
public @interface SignedPolicyConfig {

    @AttributeDefinition(name = "Trust anchors", description = "PEM file, or directory of PEM files, holding the provincial "
            + "root certificate that policy signers must chain to")
    String trust_anchors() default "/etc/swanctl/x509ca";

    @AttributeDefinition(name = "State directory", description = "Where the accepted bundle and its files are kept, so that a "
            + "restart re-verifies and re-applies it")
    String state_directory() default PolicyApplier.DEFAULT_SIGNED_STATE_DIRECTORY;

    @AttributeDefinition(name = "Restore retry (s)", description = "When the accepted bundle could not be re-applied at start "
            + "(clock behind its issue time, trust anchors unreadable, nft failing), how long until it is tried again", min = "1")
    int restore_retry_s() default 60;
}
