package cn.egov.rules.policy;

import java.util.List;

/**
 * The outcome of loading a policy directory: the model (null when it could not be built) and
 * every finding, errors first in file order.
 */
public record PolicyLoad(IsolationPolicy policy, List<Finding> findings) {

    public PolicyLoad {
        findings = List.copyOf(findings);
    }

    /** True when the policy exists and no finding is an error. */
    public boolean ok() {
        return policy != null && findings.stream().noneMatch(Finding::isError);
    }

    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isError()).toList();
    }

    /** The policy; throws {@link PolicyException} listing the errors when it is not usable. */
    public IsolationPolicy policyOrThrow() {
        if (!ok()) {
            throw new PolicyException(errors());
        }
        return policy;
    }
}
