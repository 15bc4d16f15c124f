package cn.egov.console.api;

import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * A part of the box's console that another bundle contributes: register an implementation as an
 * OSGi service and the console mounts it at {@code /<path>/} (whiteboard), lists it in its
 * navigation for the users who hold one of its {@link #roles()}, and removes it when the service
 * goes. The console does the security around the handler, so a section has none to write:
 *
 * <ul>
 *   <li>log-in: only authenticated users reach the handler, by the console's session cookie or
 *       by the user's API token ({@code Authorization: Bearer ...}, for clerks' API clients);</li>
 *   <li>roles: a user without one of {@link #roles()} gets 403 and never reaches the handler;</li>
 *   <li>CSRF: a state-changing request (POST, PUT, PATCH, DELETE) made with the session cookie
 *       must carry the session's token (form field {@value SectionContext#CSRF_FIELD} or header
 *       {@value SectionContext#CSRF_HEADER}) and come from the console's own origin, else 403;</li>
 *   <li>audit: every state-changing request is written to the audit log (user, method and path,
 *       status, source address); write your own {@link SectionContext#audit} lines for what the
 *       request meant ("sent document 2026-17 to 130602-003");</li>
 *   <li>security headers (CSP without inline script, no framing, nosniff, no-store) on every response.</li>
 * </ul>
 *
 * <p>The handler gets the request with its path unchanged ({@code /exchange/inbox}); the user,
 * CSRF token and page rendering come from {@link SectionContext#of(Request)}. A worked example, a
 * clerk's inbox with a page and a JSON endpoint:
 *
 * <pre>{@code
 * @Component(service = ConsoleSection.class)
 * public final class ExchangeSection implements ConsoleSection {
 *     private final TemplateEngine templates = TemplateEngine.createPrecompiled(null, ContentType.Html,
 *             ExchangeSection.class.getClassLoader(), "cn.egov.exchange.pages");   // the bundle's own JTE templates
 *
 *     public String path() { return "exchange"; }
 *     public String title() { return "公文交换 Documents"; }
 *     public Set<Role> roles() { return Set.of(Role.CLERK); }
 *
 *     public Request.Handler handler() {
 *         return (request, response, callback) -> {
 *             SectionContext ctx = SectionContext.of(request);
 *             String path = Request.getPathInContext(request);
 *             if (path.equals("/exchange/api/inbox")) {          // JSON for API clients (session or API token)
 *                 response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
 *                 Content.Sink.write(response, true, inbox.json(ctx.user().unit()), callback);
 *                 return true;
 *             }
 *             if (path.equals("/exchange/")) {                    // a page in the console's layout
 *                 ctx.render(response, callback, "收件箱 Inbox", (Content) out -> templates.render("inbox.jte",
 *                         Map.of("documents", inbox.list(ctx.user().unit()), "csrf", ctx.csrfField()), out));
 *                 return true;
 *             }
 *             if (path.equals("/exchange/send") && request.getMethod().equals("POST")) {   // CSRF already checked
 *                 Fields form = FormFields.getFields(request);
 *                 String id = outbox.send(ctx.user(), form.getValue("to"), form.getValue("title"));
 *                 ctx.audit("send document", id, "sent");
 *                 Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/exchange/", true);
 *                 return true;
 *             }
 *             return false;                                       // the console answers 404
 *         };
 *     }
 * }
 * }</pre>
 *
 * and in {@code inbox.jte} a form carries the token with {@code ${csrf}}:
 * {@code <form method="post" action="/exchange/send">${csrf}<input name="to">...</form>}.
 */
public interface ConsoleSection {

    /**
     * Where the section is mounted: one path segment, lower-case letters, digits and '-'
     * ({@code exchange} is served at {@code /exchange/}). A path the console uses itself
     * ({@code status}, {@code config}...) or another section already has is refused (logged).
     */
    String path();

    /** The title in the navigation, Chinese first with English ({@code 公文交换 Documents}). */
    String title();

    /** Who may use the section: a user needs at least one of these roles. Not empty. */
    Set<Role> roles();

    /** Handles every request under {@code /<path>/} once the console has let it through (see above). */
    Request.Handler handler();

    /**
     * Whether this section only stands in for a service that is off (its component waits for its
     * configuration file): it holds the path so that a user who opens it (a bookmark, a link) learns
     * why there is nothing and whom to ask, instead of a 404. The real section, once registered,
     * takes the path over and the stand-in steps back until it goes again. A stand-in is not in
     * the navigation, and its roles count as unserved on the start page.
     */
    default boolean standIn() {
        return false;
    }
}
