package cn.egov.isolation.enforce;

import java.nio.file.Path;
import java.util.List;

/**
 * Puts a policy directory in force: validate, compile, one {@code nft -f} transaction, read back.
 * On any failure the previous ruleset stays in force and the result says why. The box's
 * {@link PolicyEnforcementComponent} offers it as a service, serialised with its own applies and
 * verifications; the signed-policy receiver uses it.
 */
@FunctionalInterface
public interface PolicyApplier {

    /** Default state directory of the signed-policy receiver ({@code cn.egov.isolation.signed}). */
    String DEFAULT_SIGNED_STATE_DIRECTORY = "/var/lib/egov/policy-bundle";
    /**
     * The accepted signed bundle in that directory. Its presence tells the enforcement component at
     * start that the signed policy, not the local directory, is to be put in force first.
     */
    String ACCEPTED_BUNDLE_FILE = "accepted.bundle";

    ApplyResult apply(Path dir);

    /**
     * Puts the box's local policy directory in force: the fallback when the accepted signed bundle
     * cannot be restored at start. Appliers without a local directory refuse.
     */
    default ApplyResult applyLocalPolicy() {
        return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "no local policy directory to fall back to");
    }
}
