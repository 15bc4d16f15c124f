package cn.egov.manager.web;

import cn.egov.manager.account.Role;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * One path of the manager's web server, who may read it and who may change something through it.
 *
 * @param path     exact path ({@code /api/health}) or a prefix ending in {@code /*} ({@code /api/boxes/*})
 * @param roles    roles that may reach the route; empty means public: the handler authenticates on its own
 *                 (e.g. EST with a one-time token) or serves nothing secret (health, the stylesheet)
 * @param navTitle title of the page in the navigation bar, or {@code null} for API routes
 * @param writes   what POST may do here, or {@code null} for a read-only route (GET and HEAD only)
 * @param handler  the Jetty 12 core handler; it completes the callback and returns true
 */
public record WebRoute(String path, Set<Role> roles, String navTitle, Writes writes, Request.Handler handler) {

    /**
     * POST on a route: who may send it and how large a body is read. A body past the bound is
     * answered 413 by the dispatcher, whether its length was declared or it came chunked.
     *
     * @param roles        roles that may POST (a subset of the route's readers, or any for a public route)
     * @param maxBodyBytes the largest body a handler will be given
     * @param form         true when the route takes an HTML form ({@code application/x-www-form-urlencoded}:
     *                     log-in, log-out) instead of JSON
     */
    public record Writes(Set<Role> roles, long maxBodyBytes, boolean form) {
        public Writes(Set<Role> roles, long maxBodyBytes) {
            this(roles, maxBodyBytes, false);
        }

        public Writes {
            roles = roles.isEmpty() ? Set.of() : EnumSet.copyOf(roles);
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("a body bound cannot be negative");
            }
        }
    }

    public WebRoute {
        if (path == null || !path.startsWith("/") || path.indexOf('*') >= 0 && !path.endsWith("/*")) {
            throw new IllegalArgumentException("route path must start with '/' and may only end in '/*', got '" + path + "'");
        }
        roles = Set.copyOf(roles);
        java.util.Objects.requireNonNull(handler, "handler of " + path);
        if (writes != null && !roles.isEmpty() && !roles.containsAll(writes.roles())) {
            throw new IllegalArgumentException("route " + path + ": roles that may POST must also be able to read it");
        }
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

    /** The methods the route answers, for {@code Allow}. */
    public Set<String> methods() {
        Set<String> m = new LinkedHashSet<>(java.util.List.of("GET", "HEAD"));
        if (writes != null) {
            m.add("POST");
        }
        return m;
    }

    /** The largest request body handed to the handler: 0 on a read-only route. */
    public long maxBodyBytes() {
        return writes == null ? 0 : writes.maxBodyBytes();
    }
}
