package cn.egov.rules.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be used; the message lists every error with file, line and field. */
public final class PolicyException extends RuntimeException {
    private final transient List<Finding> errors;

    public PolicyException(List<Finding> errors) {
        super(errors.size() + " error(s) in policy:\n" + errors.stream().map(Finding::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<Finding> errors() {
        return errors;
    }
}
