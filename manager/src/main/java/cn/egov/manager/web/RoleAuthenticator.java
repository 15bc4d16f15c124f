package cn.egov.manager.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the caller's role from the {@code Authorization} header: {@code Basic} with the role's user
 * name ({@code noc}, {@code auditor}, {@code technician}) and its secret, or {@code Bearer <secret>}.
 * Secrets are compared in constant time; a role without a configured secret cannot log in.
 */
public final class RoleAuthenticator {

    private final Map<Role, byte[]> secrets = new EnumMap<>(Role.class);

    public RoleAuthenticator(Map<Role, String> configured) {
        configured.forEach((role, secret) -> {
            if (secret != null && !secret.isEmpty()) {
                secrets.put(role, secret.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    public boolean anyRoleEnabled() {
        return !secrets.isEmpty();
    }

    public Optional<Role> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
            Role found = null;
            for (Map.Entry<Role, byte[]> e : secrets.entrySet()) {
                if (MessageDigest.isEqual(e.getValue(), given)) {
                    found = e.getKey();
                }
            }
            return Optional.ofNullable(found);
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            String user = decoded.substring(0, colon);
            byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            for (Map.Entry<Role, byte[]> e : secrets.entrySet()) {
                if (e.getKey().user.equals(user)) {
                    return MessageDigest.isEqual(e.getValue(), password) ? Optional.of(e.getKey()) : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
