package cn.egov.isolation.signed;

import cn.egov.isolation.enforce.PolicyApplier;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link SignedPolicyComponent}, described for Metatype (Kura web UI, our console). */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/isolation-signed", id = "cn.egov.isolation.signed", name = "%name",
        description = "%description")
public @interface SignedPolicyConfig {

    @AttributeDefinition(name = "%trust_anchors.name", description = "%trust_anchors.description")
    String trust_anchors() default "/etc/swanctl/x509ca";

    @AttributeDefinition(name = "%state_directory.name", description = "%state_directory.description")
    String state_directory() default PolicyApplier.DEFAULT_SIGNED_STATE_DIRECTORY;

    @AttributeDefinition(name = "%restore_retry_s.name", description = "%restore_retry_s.description", min = "1")
    int restore_retry_s() default 60;
}
