package cn.egov.manager.duty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Serves the duty page's script from the manager's own jar (the CSP allows no inline script). */
final class DutyScript implements Request.Handler {

    private final byte[] script;

    DutyScript() {
        try (InputStream in = DutyScript.class.getResourceAsStream("duty.js")) {
            if (in == null) {
                throw new IllegalStateException("duty.js is missing from the manager's jar");
            }
            script = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/javascript; charset=utf-8");
        response.write(true, ByteBuffer.wrap(script), callback);
        return true;
    }
}
