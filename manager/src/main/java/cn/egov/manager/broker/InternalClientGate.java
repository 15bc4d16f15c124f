package cn.egov.manager.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The manager's own subscriber on the internal listener: user {@value #INTERNAL_USER} with a
 * secret made fresh at each start, which never leaves the process (not written to any file).
 * Only a session authenticated this way is privileged in the topic ACL, and only the internal
 * listener accepts it.
 */
public final class InternalClientGate implements ClientAuthenticator {

    /** User name of the manager's own connection. */
    public static final String INTERNAL_USER = "egov-manager-internal";
    private static final int SECRET_BYTES = 32;

    private final String secret;

    public InternalClientGate() {
        byte[] b = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(b);
        this.secret = HexFormat.of().formatHex(b);
    }

    public String secret() {
        return secret;
    }

    @Override
    public Verdict authenticate(ClientCredentials c) {
        if (c.username() == null || c.username().isEmpty()) {
            return Verdict.refuse(ConnectRefusal.ANONYMOUS, "no user name on the manager's internal listener");
        }
        boolean ok = INTERNAL_USER.equals(c.username()) && c.password() != null
                && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), c.password().getBytes(StandardCharsets.UTF_8));
        return ok ? Verdict.accept(ClientRole.MANAGER, INTERNAL_USER)
                : Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "not the manager's internal user and secret");
    }
}
