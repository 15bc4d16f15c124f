package cn.egov.manager.broker;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an MQTT client presents when it connects.
 *
 * @param clientId  the MQTT client id (may be null when the broker has not parsed it yet)
 * @param username  the CONNECT user name, or null
 * @param password  the CONNECT password, or null
 * @param peerChain the TLS client certificate chain, empty on a plain connection
 */
public record ClientCredentials(String clientId, String username, String password, List<X509Certificate> peerChain) {
    public ClientCredentials {
        peerChain = peerChain == null ? List.of() : List.copyOf(peerChain);
    }

    /** Never the password: a connection's subject keeps these, and a subject may be logged. */
    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                + ", certificates=" + peerChain.size() + "]";
    }
}
