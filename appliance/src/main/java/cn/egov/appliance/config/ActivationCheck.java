package cn.egov.appliance.config;

import java.util.Optional;

/**
 * Tells whether the components of a PID accepted a new configuration. Metatype catches wrong
 * types and unknown options; only the component knows its own rules (a unit code that does not
 * parse, a URL it cannot use), and it says so by failing to activate.
 */
@FunctionalInterface
public interface ActivationCheck {

    /**
     * Waits (boundedly) until the components configured by {@code pid} have processed the
     * configuration whose {@link ConfigTyping#REVISION} is {@code revision}.
     *
     * @return the failure message when a component failed to activate with it
     */
    Optional<String> failure(String pid, String revision) throws InterruptedException;

    /** No component feedback: a configuration that passed the Metatype is accepted. */
    static ActivationCheck none() {
        return (pid, revision) -> Optional.empty();
    }
}
