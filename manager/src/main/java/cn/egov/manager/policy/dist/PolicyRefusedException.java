package cn.egov.manager.policy.dist;

import cn.egov.rules.policy.Finding;
import java.util.List;

/** A policy the manager will not sign: invalid (findings name file, line and field) or malformed input. */
public final class PolicyRefusedException extends Exception {

    private static final long serialVersionUID = 1L;
    private final transient List<Finding> findings;

    public PolicyRefusedException(String message, List<Finding> findings) {
        super(message);
        this.findings = List.copyOf(findings);
    }

    /** The validator's findings, errors first; empty when the input itself was malformed. */
    public List<Finding> findings() {
        return findings;
    }
}
