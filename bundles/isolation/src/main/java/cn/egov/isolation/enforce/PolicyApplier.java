package cn.egov.isolation.enforce;

import java.nio.file.Path;

/**
 * Puts a policy directory in force: validate, compile, one {@code nft -f} transaction, read back.
 * On any failure the previous ruleset stays in force and the result says why. The box's
 * {@link PolicyEnforcementComponent} offers it as a service, serialised with its own applies and
 * verifications; the signed-policy receiver uses it.
 */
@FunctionalInterface
public interface PolicyApplier {

    ApplyResult apply(Path dir);
}
