package cn.egov.manager.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Lets the manager's own subscriber in with a secret made fresh at each start (it never leaves
 * the process), and hands every other client to the configured {@link ClientAuthenticator}. Only
 * a session authenticated this way is privileged in the topic ACL: a box that merely claims the
 * manager's client id is not.
 */
public final class InternalClientGate implements ClientAuthenticator {

    /** User name of the manager's own connection. */
    public static final String INTERNAL_USER = "egov-manager-internal";
    private static final int SECRET_BYTES = 32;

    private final String secret;
    private final ClientAuthenticator boxes;

    public InternalClientGate(ClientAuthenticator boxes) {
        byte[] b = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(b);
        this.secret = HexFormat.of().formatHex(b);
        this.boxes = boxes;
    }

    public String secret() {
        return secret;
    }

    @Override
    public Optional<String> authenticate(ClientCredentials c) {
        if (INTERNAL_USER.equals(c.username())) {
            boolean ok = c.password() != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                    c.password().getBytes(StandardCharsets.UTF_8));
            return ok ? Optional.of(INTERNAL_USER) : Optional.empty();
        }
        return boxes.authenticate(c);
    }

    /**
     * Until the CA part plugs in certificate checks: any client may connect, and the topic ACL
     * keeps each to its own client id's topics.
     */
    public static ClientAuthenticator openToBoxes() {
        return c -> Optional.of(c.username() == null || c.username().isEmpty() ? "box" : c.username());
    }
}
