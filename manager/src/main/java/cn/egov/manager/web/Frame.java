package cn.egov.manager.web;

import java.util.List;

/**
 * What the page frame ({@code web/layout.jte}) shows around a page: title, the navigation the
 * caller's role may open, who is logged in, the session's CSRF token for the log-out form.
 *
 * @param title   the page's title (Chinese first, then English)
 * @param nav     the pages of the navigation bar
 * @param who     the caller's name and counties, or empty before log-in
 * @param csrf    the session's CSRF token, or empty (API token or Basic callers have no session)
 * @param refresh seconds after which the browser reloads the page, 0 for never (pages with forms)
 */
public record Frame(String title, List<Link> nav, String who, String csrf, int refresh) {

    /** One entry of the navigation bar. */
    public record Link(String path, String title, boolean current) {
    }

    public Frame {
        nav = List.copyOf(nav);
    }

    /** True when a session is open (the frame shows the log-out button). */
    public boolean session() {
        return !csrf.isEmpty();
    }

    /** The same frame without the periodic reload (a page with a form the user types into). */
    public Frame still() {
        return new Frame(title, nav, who, csrf, 0);
    }
}
