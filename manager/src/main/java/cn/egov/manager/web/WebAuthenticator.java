package cn.egov.manager.web;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.account.Account;
import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.LoginThrottle;
import cn.egov.manager.account.PasswordHasher;
import cn.egov.manager.account.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the caller from the {@code Authorization} header:
 * <ul>
 *   <li>{@code Basic name:password} of an account ({@link AccountStore}, Argon2id hashes), read at
 *       every request so that a removed account or a new password takes effect at once;</li>
 *   <li>{@code Bearer <token>} for the API-token roles ({@code auth.noc.token}, {@code auth.auditor.token}),
 *       or {@code Basic noc:<token>} / {@code auditor:<token>}; compared in constant time.</li>
 * </ul>
 * These are for API clients; browsers log in with the form ({@link #logIn}) and carry a session,
 * whose account is read again at every request ({@link #resume}).
 * Every failure is counted by a {@link LoginThrottle} per source address and per user name and
 * logged on one line; once either has too many, every attempt is refused (429) until the window
 * passes, the right password included.
 */
public final class WebAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(WebAuthenticator.class);

    /** What an attempt came to. */
    public sealed interface Outcome {
    }

    /**
     * Authenticated.
     *
     * @param passwordHash the account's stored hash (a session remembers it: a new password ends the session), or empty for a token
     */
    public record Authenticated(Caller caller, String passwordHash) implements Outcome {
        public Authenticated(Caller caller) {
            this(caller, "");
        }
    }

    /** No credentials, or wrong ones: 401. */
    public record Refused() implements Outcome {
    }

    /** Too many failures from this source or for this user: 429 with Retry-After. */
    public record Throttled(Duration retryAfter) implements Outcome {
    }

    private final Map<Role, byte[]> tokens = new EnumMap<>(Role.class);
    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final WebMetrics metrics;

    /**
     * @param tokens   the API token of each token role (empty or missing: that role has no token)
     * @param accounts the accounts, or null when only tokens are used
     */
    public WebAuthenticator(Map<Role, String> tokens, AccountStore accounts, PasswordHasher hasher, LoginThrottle throttle,
                            WebMetrics metrics) {
        tokens.forEach((role, secret) -> {
            if (secret != null && !secret.isEmpty()) {
                this.tokens.put(role, secret.getBytes(StandardCharsets.UTF_8));
            }
        });
        this.accounts = accounts;
        this.hasher = hasher;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /** True when at least one token is set (accounts may be added at any time). */
    public boolean anyTokenEnabled() {
        return !tokens.isEmpty();
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param source        the client's address, for the throttle and the log
     */
    public Outcome authenticate(String authorization, String source) throws SQLException {
        if (authorization == null || authorization.isBlank()) {
            return new Refused();
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<Duration> wait = throttle.blocked(source, null);
            if (wait.isPresent()) {
                return throttled(source, "(bearer token)", wait.get());
            }
            Role role = tokenRole(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
            return role == null ? failed(source, null, "bearer token matches no role") : new Authenticated(Caller.token(role));
        }
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return failed(source, null, "unsupported Authorization scheme");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return failed(source, null, "Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return failed(source, null, "Basic credentials without ':'");
        }
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Optional<Duration> wait = throttle.blocked(source, user);
        if (wait.isPresent()) {
            return throttled(source, user, wait.get());
        }
        Optional<Role> tokenUser = Role.byLabel(user).filter(r -> AccountStore.RESERVED_NAMES.contains(r.label));
        if (tokenUser.isPresent()) {
            byte[] secret = tokens.get(tokenUser.get());
            boolean ok = secret != null && MessageDigest.isEqual(secret, new String(password).getBytes(StandardCharsets.UTF_8));
            return ok ? succeeded(user, Caller.token(tokenUser.get()), "") : failed(source, user, "wrong token");
        }
        return account(user, password, source);
    }

    /**
     * A person logging in with the form: an account's name and password (the API-token users
     * {@code noc} and {@code auditor} are not accounts), throttled like every other attempt.
     */
    public Outcome logIn(String user, char[] password, String source) throws SQLException {
        Optional<Duration> wait = throttle.blocked(source, user);
        if (wait.isPresent()) {
            return throttled(source, user, wait.get());
        }
        return account(user, password, source);
    }

    /**
     * The caller of a live session, from the account as it is now: empty when the account was
     * removed or its password changed since the log-in (the session must end).
     */
    public Optional<Caller> resume(Session session) throws SQLException {
        Optional<Account> a = accounts == null ? Optional.empty() : accounts.find(session.account());
        if (a.isEmpty() || !Sessions.sameToken(a.get().passwordHash(), session.passwordHash())) {
            return Optional.empty();
        }
        return Optional.of(Caller.account(a.get().name(), a.get().role(), a.get().counties()));
    }

    private Outcome account(String user, char[] password, String source) throws SQLException {
        Optional<Account> account = accounts == null || AccountStore.RESERVED_NAMES.contains(user) ? Optional.empty() : accounts.find(user);
        if (account.isEmpty()) {
            hasher.verifyDecoy(password);
            return failed(source, user, "no such account");
        }
        if (!hasher.verify(password, account.get().passwordHash())) {
            return failed(source, user, "wrong password");
        }
        Account a = account.get();
        return succeeded(user, Caller.account(a.name(), a.role(), a.counties()), a.passwordHash());
    }

    private Role tokenRole(byte[] given) {
        Role found = null;
        for (Map.Entry<Role, byte[]> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), given)) {
                found = e.getKey();
            }
        }
        return found;
    }

    private Outcome succeeded(String user, Caller caller, String passwordHash) {
        throttle.succeeded(user);
        return new Authenticated(caller, passwordHash);
    }

    private Outcome failed(String source, String user, String why) {
        metrics.loginFailures.increment();
        int n = throttle.failed(source, user);
        LOG.warn("login failed: user '{}' from {}: {} ({} of {} allowed in the window)", user == null ? "-" : LogSafe.of(user),
                LogSafe.of(source), why, n, throttle.maxFailures());
        return new Refused();
    }

    private Outcome throttled(String source, String user, Duration wait) {
        metrics.loginsThrottled.increment();
        LOG.warn("login refused: user '{}' from {}: too many failures, retry in {} s", LogSafe.of(user), LogSafe.of(source),
                retrySeconds(wait));
        return new Throttled(wait);
    }

    /** Whole seconds to wait, rounded up (Retry-After counts seconds). */
    static long retrySeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
