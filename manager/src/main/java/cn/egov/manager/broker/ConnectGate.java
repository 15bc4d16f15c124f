package cn.egov.manager.broker;

/**
 * Decides every CONNECT of the embedded broker, given the listener it came in on. The manager's
 * is {@link IdentityGate}; a benchmark may pass its own.
 */
@FunctionalInterface
public interface ConnectGate {

    Verdict decide(Listener listener, ClientCredentials credentials);
}
