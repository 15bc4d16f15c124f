package cn.egov.console.api;

import gg.jte.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the console gives a {@link ConsoleSection}'s handler about the request it let through:
 * who is asking, the CSRF token for forms, the page layout, and the audit log.
 */
public interface SectionContext {
    /** The form field that carries the CSRF token (a multipart upload form puts it in its action URL: {@code ?_csrf=}). */
    String CSRF_FIELD = "_csrf";
    /** The request header that carries the CSRF token (for scripts and JSON requests). */
    String CSRF_HEADER = "X-CSRF-Token";
    /** The request attribute holding the context. */
    String ATTRIBUTE = SectionContext.class.getName();

    /** The context of a request the console passed to a section (never null there). */
    static SectionContext of(Request request) {
        Object context = request.getAttribute(ATTRIBUTE);
        if (!(context instanceof SectionContext c)) {
            throw new IllegalStateException("not a request the console passed to a section");
        }
        return c;
    }

    /** The authenticated user. */
    ConsoleUser user();

    /** True when the request came with the user's API token rather than the session cookie. */
    boolean apiToken();

    /** The session's CSRF token (empty for API-token requests, which need none). */
    String csrfToken();

    /** The hidden form field carrying the CSRF token, ready to place in a {@code <form>} of a JTE template. */
    Content csrfField();

    /**
     * Writes an HTML page: the console's layout (navigation, user, banners) around {@code body},
     * with status 200 and the console's headers; or with the error status the handler set before
     * ({@code response.setStatus(422)} for a refused form), and then, if the request body is not all
     * read, {@code Connection: close}.
     */
    void render(Response response, Callback callback, String title, Content body);

    /** Adds a line to the console's audit log for this user and source address. */
    void audit(String action, String target, String outcome);
}
