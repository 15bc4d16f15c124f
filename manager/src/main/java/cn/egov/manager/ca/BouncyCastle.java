package cn.egov.manager.ca;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The one Bouncy Castle provider instance the CA uses (registered once, for SM2/SM3 and PKCS#12). */
final class BouncyCastle {
    static final Provider PROVIDER;

    static {
        Provider p = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (p == null) {
            p = new BouncyCastleProvider();
            Security.addProvider(p);
        }
        PROVIDER = p;
    }

    private BouncyCastle() {
    }
}
