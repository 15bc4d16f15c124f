package cn.egov.console.auth;

import cn.egov.api.text.LogSafe;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.StoreException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log-in: throttle first (a blocked source or name is refused before the password is looked at),
 * then the password; every failure is logged on one line and audited, every success audited.
 */
public final class LoginService {
    private static final Logger LOG = LoggerFactory.getLogger(LoginService.class);

    /** The outcome of one attempt. */
    public sealed interface Outcome {
        record LoggedIn(Session session) implements Outcome {
        }

        record Refused() implements Outcome {
        }

        record Throttled(Duration retryAfter) implements Outcome {
        }
    }

    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    public LoginService(Accounts accounts, Sessions sessions, LoginThrottle throttle, AuditLog audit) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.audit = audit;
    }

    public Outcome logIn(String name, char[] password, String source) throws StoreException {
        String who = name == null ? "" : name;
        Optional<Duration> wait = throttle.blocked(source, who);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            LOG.warn("console: log-in refused for '{}' from {}: too many failures, retry in {} s", LogSafe.of(who),
                    LogSafe.of(source), seconds);
            audit.record(who, "log in", "", "throttled", source);
            return new Outcome.Throttled(Duration.ofSeconds(seconds));
        }
        Optional<ConsoleUser> user = accounts.verify(who, password);
        if (user.isEmpty()) {
            throttle.failed(source, who);
            LOG.warn("console: log-in failed for '{}' from {}: unknown account or wrong password", LogSafe.of(who), LogSafe.of(source));
            audit.record(who, "log in", "", "failed", source);
            return new Outcome.Refused();
        }
        throttle.succeeded(who);
        Session session = sessions.create(user.get(), source);
        LOG.info("console: '{}' logged in from {}", LogSafe.of(who), LogSafe.of(source));
        audit.record(who, "log in", "", "ok", source);
        return new Outcome.LoggedIn(session);
    }

    /** A failed API-token request counts against its source like a failed password. */
    public void apiTokenFailed(String source) throws StoreException {
        throttle.failed(source, null);
        LOG.warn("console: unknown API token from {}", LogSafe.of(source));
        audit.record("", "API token", "", "failed", source);
    }

    /** How long a source must wait before its next API-token request (failures per source only). */
    public Optional<Duration> apiTokenBlocked(String source) {
        return throttle.blocked(source, null);
    }

    public LoginThrottle throttle() {
        return throttle;
    }
}
