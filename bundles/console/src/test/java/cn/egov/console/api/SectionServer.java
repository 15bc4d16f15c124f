package cn.egov.console.api;

import java.net.URI;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A console section on a plain Jetty server on 127.0.0.1, for the sections' own tests (a test fixture of this module,
 * beside {@link StandInSectionContext}): the console's part (log-in, role, CSRF) is stood in for by putting the
 * {@link SectionContext} that {@code caller} makes of each request on it, as the console does; what the section does
 * not handle is a 404, as the console's.
 *
 * <pre>{@code
 * try (SectionServer server = new SectionServer(section.handler(),
 *         request -> new StandInSectionContext(new ConsoleUser("duty-li", Set.of(Role.DUTY_OFFICER), request.getHeaders().get("X-Test-Unit"))))) {
 *     http.send(HttpRequest.newBuilder(server.uri("/duty/")).header("X-Test-Unit", "130602-001").build(), ...);
 * }
 * }</pre>
 */
public final class SectionServer implements AutoCloseable {

    private final Server server = new Server();
    private final URI base;

    /** Starts {@code section} behind a connector on a free port; {@code caller} gives each request the user it comes from. */
    public SectionServer(Request.Handler section, Function<Request, SectionContext> caller) throws Exception {
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                request.setAttribute(SectionContext.ATTRIBUTE, caller.apply(request));
                if (!section.handle(request, response, callback)) {
                    response.setStatus(404);
                    callback.succeeded();
                }
                return true;
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    /** The server's address, for a test that speaks HTTP on a socket of its own. */
    public URI base() {
        return base;
    }

    /** {@code path} (with its query) on this server. */
    public URI uri(String path) {
        return base.resolve(path);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
