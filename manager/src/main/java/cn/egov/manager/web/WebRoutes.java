package cn.egov.manager.web;

import cn.egov.manager.account.Role;
import java.util.ArrayList;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * The composition point of the manager's web server: every part registers its REST routes and
 * pages here when it starts ({@code PartContext.routes()}); the shell knows none of them. Routes are checked when added (path form, no duplicates) and the
 * registry refuses changes once the server has started.
 *
 * <pre>{@code
 * public final class CaPart implements ManagerPart {
 *     public void start(PartContext ctx) {
 *         WebRoutes routes = ctx.routes();
 *         routes.api("/api/ca/certificates", Set.of(Role.NOC, Role.AUDITOR), new CertificateListHandler(ctx.database()));
 *         routes.api("/api/ca/revocations", Set.of(Role.NOC, Role.AUDITOR),
 *                 new WebRoute.Writes(Set.of(Role.NOC), 4096), new RevocationHandler(...));   // POST: NOC only, 4 KiB
 *         routes.page("/ca", "CA 证书", Set.of(Role.NOC), new CaPageHandler(ctx.database()));
 *     }
 * }
 * }</pre>
 *
 * Routes answer GET and HEAD; POST only where {@link WebRoute.Writes} says who may send it and how
 * large its body may be (the dispatcher answers 405 with {@code Allow} otherwise). Longest path
 * wins when several match. Handlers write JSON with {@link Json} and HTML with {@link Pages} (templates) so
 * pages share the navigation bar and stylesheet; they read bodies with {@link RequestBodies}.
 */
public final class WebRoutes {

    private final List<WebRoute> routes = new ArrayList<>();
    private boolean frozen;

    private final PathMappings<WebRoute> mappings = new PathMappings<>();

    /** The shell's own routes: the pages' stylesheet and the vendored libraries (WebJars). */
    public WebRoutes() {
        add(new WebRoute(Assets.STYLESHEET_PATH, Set.of(), null, null, Assets.stylesheet()));
        add(new WebRoute(Assets.VENDOR + "/*", Set.of(), null, null, Assets.vendor()));
    }

    public synchronized WebRoutes add(WebRoute route) {
        if (frozen) {
            throw new IllegalStateException("routes are fixed once the web server has started; cannot add " + route.path());
        }
        for (WebRoute r : routes) {
            if (r.path().equals(route.path())) {
                throw new IllegalArgumentException("route " + route.path() + " is registered twice");
            }
        }
        routes.add(route);
        // "/" is the servlet spec's default (everything); the root path alone is ""
        mappings.put(new ServletPathSpec(route.path().equals("/") ? "" : route.path()), route);
        return this;
    }

    /** A read-only REST (JSON) route for the given roles. */
    public WebRoutes api(String path, Set<Role> roles, Request.Handler handler) {
        return add(new WebRoute(path, requireRoles(roles, path), null, null, handler));
    }

    /** A REST route that also takes POST, from the roles and with the body bound of {@code writes}. */
    public WebRoutes api(String path, Set<Role> roles, WebRoute.Writes writes, Request.Handler handler) {
        return add(new WebRoute(path, requireRoles(roles, path), null, java.util.Objects.requireNonNull(writes, "writes"), handler));
    }

    /** An HTML page, listed in the navigation bar under {@code title} for users of the given roles. */
    public WebRoutes page(String path, String title, Set<Role> roles, Request.Handler handler) {
        return add(new WebRoute(path, requireRoles(roles, path), title, null, handler));
    }

    /** A read-only route without role check: its handler must authenticate the caller itself, or serve nothing secret. */
    public WebRoutes publicRoute(String path, Request.Handler handler) {
        return add(new WebRoute(path, Set.of(), null, null, handler));
    }

    private static Set<Role> requireRoles(Set<Role> roles, String path) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("route " + path + " names no role; use publicRoute for routes that authenticate themselves");
        }
        return EnumSet.copyOf(roles);
    }

    synchronized void freeze() {
        frozen = true;
    }

    /** The route serving {@code target}: exact paths first, then the longest prefix (Jetty's servlet path mapping). */
    public synchronized java.util.Optional<WebRoute> find(String target) {
        MatchedResource<WebRoute> m = mappings.getMatched(target);
        return m == null ? java.util.Optional.empty() : java.util.Optional.of(m.getResource());
    }

    /** Pages for the navigation bar that {@code role} may open, in registration order. */
    public synchronized List<WebRoute> navigation(Role role) {
        return routes.stream().filter(r -> r.navTitle() != null && r.roles().contains(role)).toList();
    }

    public synchronized List<WebRoute> all() {
        return List.copyOf(routes);
    }
}
