package cn.egov.manager.web;

import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * One path of the manager's web server and who may reach it.
 *
 * @param path     exact path ({@code /api/health}) or a prefix ending in {@code /*} ({@code /api/boxes/*})
 * @param roles    roles allowed; empty means public: the handler authenticates on its own (e.g. EST with a one-time token)
 * @param navTitle title of the page in the navigation bar, or {@code null} for API routes
 * @param handler  the Jetty 12 core handler; it completes the callback and returns true
 */
public record WebRoute(String path, Set<Role> roles, String navTitle, Request.Handler handler) {

    public WebRoute {
        if (path == null || !path.startsWith("/") || path.indexOf('*') >= 0 && !path.endsWith("/*")) {
            throw new IllegalArgumentException("route path must start with '/' and may only end in '/*', got '" + path + "'");
        }
        roles = Set.copyOf(roles);
        java.util.Objects.requireNonNull(handler, "handler of " + path);
    }

    public boolean isPrefix() {
        return path.endsWith("/*");
    }

    /** True when this route serves {@code target} (a request path). */
    public boolean matches(String target) {
        if (!isPrefix()) {
            return path.equals(target);
        }
        String base = path.substring(0, path.length() - 2);
        return target.equals(base) || target.startsWith(base + "/");
    }

    public boolean isPublic() {
        return roles.isEmpty();
    }
}
