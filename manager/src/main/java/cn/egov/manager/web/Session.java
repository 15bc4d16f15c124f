package cn.egov.manager.web;

import org.eclipse.jetty.server.Request;

/**
 * A browser's log-in: who, since when, and the token its state-changing requests must carry
 * (CSRF). Only the random id travels in the cookie; the rest stays in {@link Sessions}.
 *
 * @param id           256 random bits, base64url: the cookie's value
 * @param csrf         256 random bits, base64url: form field {@code _csrf} or header {@code X-CSRF-Token}
 * @param account      the account's name
 * @param passwordHash the account's hash at log-in: a new password ends the session
 * @param created      ms since the epoch
 */
public record Session(String id, String csrf, String account, String passwordHash, long created) {

    static final String ATTRIBUTE = Session.class.getName();

    /** The session the dispatcher found for the request, or null (API token, Basic, public route). */
    public static Session of(Request request) {
        return (Session) request.getAttribute(ATTRIBUTE);
    }

    @Override
    public String toString() {
        return "Session[" + account + "]"; // never the id or the token
    }
}
