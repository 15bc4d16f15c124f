package cn.egov.manager.policy.dist;

/**
 * A signed policy bundle the manager issued, as recorded in {@code policy_bundles}.
 *
 * @param serial        the bundle's serial (greater than every earlier one)
 * @param policyName    policy name
 * @param policyVersion policy version
 * @param scope         scope text, e.g. {@code county:130602}
 * @param issuedAt      ms since the epoch
 * @param issuedBy      who asked for it (the web role, or {@code cli})
 * @param sha256        SHA-256 of the envelope (hex)
 * @param envelope      the signed envelope as sent
 */
public record IssuedBundle(long serial, String policyName, String policyVersion, String scope, long issuedAt, String issuedBy,
                           String sha256, byte[] envelope) {

    public IssuedBundle {
        envelope = envelope.clone();
    }

    @Override
    public byte[] envelope() {
        return envelope.clone();
    }
}
