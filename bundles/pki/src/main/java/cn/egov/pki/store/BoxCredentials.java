package cn.egov.pki.store;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The box's private key, its certificate chain (box certificate first) and the provincial CA
 * certificates it trusts.
 */
public record BoxCredentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustAnchors) {
    public BoxCredentials {
        chain = List.copyOf(chain);
        trustAnchors = List.copyOf(trustAnchors);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
