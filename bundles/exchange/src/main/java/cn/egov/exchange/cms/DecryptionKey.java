package cn.egov.exchange.cms;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A unit's encryption certificate (P-256, key agreement) and its private key. */
public record DecryptionKey(PrivateKey key, X509Certificate certificate) {
    public DecryptionKey {
        if (key == null || certificate == null) {
            throw new IllegalArgumentException("a decryption key needs its private key and certificate");
        }
    }
}
