package cn.egov.duty.console;

import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionServer;
import cn.egov.console.api.StandInSectionContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The duty section on the console's test {@link SectionServer}, called by the user {@code duty-li}, of the unit in the
 * {@code X-Test-Unit} header, a duty officer or, with {@code X-Test-Roles}, the roles named there. The one Jetty of the
 * section's tests: pages, forms and the JSON API ({@link DutyApi}, reached through the section as the console reaches it).
 */
final class DutyServer implements AutoCloseable {
    private final SectionServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    DutyServer(DutySection section) throws Exception {
        server = new SectionServer(section.handler(), request -> {
            String roles = request.getHeaders().get("X-Test-Roles");
            Set<Role> as = roles == null ? Set.of(Role.DUTY_OFFICER)
                    : Arrays.stream(roles.split(",")).map(Role::valueOf).collect(Collectors.toSet());
            return new StandInSectionContext(new ConsoleUser("duty-li", as, request.getHeaders().get("X-Test-Unit")));
        });
    }

    /** The server's address, for a test that speaks HTTP on a socket of its own. */
    URI base() {
        return server.base();
    }

    HttpResponse<String> get(String path, String unit) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("X-Test-Unit", unit).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A form POST (the redirect it may answer is not followed). */
    HttpResponse<String> post(String path, String unit, String roles, String form) throws Exception {
        return post(path, unit, roles, "application/x-www-form-urlencoded", form);
    }

    /** A POST of {@code body} as {@code contentType} (the redirect it may answer is not followed). */
    HttpResponse<String> post(String path, String unit, String roles, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("X-Test-Unit", unit).header("X-Test-Roles", roles)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
