package cn.egov.console.auth;

import cn.egov.console.api.ConsoleUser;
import java.time.Instant;

/**
 * A logged-in browser: held on the server only; the browser has just its random id.
 *
 * @param id        the cookie value (256 random bits)
 * @param user      who logged in
 * @param csrfToken the token every state-changing request of this session must carry
 * @param created   log-in time (the absolute expiry counts from here)
 * @param lastSeen  the last request (the idle expiry counts from here)
 * @param source    the address the log-in came from
 */
public record Session(String id, ConsoleUser user, String csrfToken, Instant created, Instant lastSeen, String source) {
    Session touched(Instant now) {
        return new Session(id, user, csrfToken, created, now, source);
    }
}
