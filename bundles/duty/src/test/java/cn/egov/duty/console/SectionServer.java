package cn.egov.duty.console;

import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
import cn.egov.console.api.StandInSectionContext;
import gg.jte.Content;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The duty section on a plain Jetty server, the console's part (log-in, role, CSRF) stood in for
 * by a handler that puts a {@link SectionContext} on each request, as the console does: the user
 * {@code duty-li}, of the unit in the {@code X-Test-Unit} header, a duty officer or, with
 * {@code X-Test-Roles}, the roles named there. The one Jetty of the section's tests: pages, forms
 * and the JSON API ({@link DutyApi}, reached through the section as the console reaches it).
 */
final class SectionServer implements AutoCloseable {
    private final Server server = new Server();
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    SectionServer(DutySection section) throws Exception {
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String unit = request.getHeaders().get("X-Test-Unit");
                String roles = request.getHeaders().get("X-Test-Roles");
                Set<Role> as = roles == null ? Set.of(Role.DUTY_OFFICER)
                        : Arrays.stream(roles.split(",")).map(Role::valueOf).collect(Collectors.toSet());
                request.setAttribute(SectionContext.ATTRIBUTE, new StandInSectionContext(new ConsoleUser("duty-li", as, unit)));
                if (!section.handler().handle(request, response, callback)) {
                    response.setStatus(404);
                    callback.succeeded();
                }
                return true;
            }
        });
        server.start();
        base = "http://127.0.0.1:" + c.getLocalPort();
    }

    /** The server's address, for a test that speaks HTTP on a socket of its own. */
    URI base() {
        return URI.create(base);
    }

    HttpResponse<String> get(String path, String unit) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Unit", unit).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A form POST (the redirect it may answer is not followed). */
    HttpResponse<String> post(String path, String unit, String roles, String form) throws Exception {
        return post(path, unit, roles, "application/x-www-form-urlencoded", form);
    }

    /** A POST of {@code body} as {@code contentType} (the redirect it may answer is not followed). */
    HttpResponse<String> post(String path, String unit, String roles, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-Test-Unit", unit).header("X-Test-Roles", roles)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
