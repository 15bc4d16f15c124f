package cn.egov.exchange.cms;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One Bouncy Castle provider instance, used by name-free lookups (not installed globally: other bundles may differ). */
public final class BcProvider {
    private static final Provider PROVIDER = new BouncyCastleProvider();

    private BcProvider() {
    }

    public static Provider get() {
        return PROVIDER;
    }
}
