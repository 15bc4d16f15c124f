package cn.egov.console.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console's own static files, served from the bundle ({@code /static/...} from
 * {@code src/main/resources/static}): nothing is fetched from the Internet. Only the listed
 * files exist; they are read once and kept (a few kilobytes).
 */
final class StaticResources {
    private static final Map<String, String> TYPES = Map.of(
            "console.css", "text/css; charset=utf-8");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** @return false when there is no such file */
    boolean serve(String name, Response response, Callback callback) throws IOException {
        String type = TYPES.get(name);
        if (type == null) {
            return false;
        }
        byte[] bytes = cache.get(name);
        if (bytes == null) {
            try (InputStream in = StaticResources.class.getResourceAsStream("/static/" + name)) {
                if (in == null) {
                    return false;
                }
                bytes = in.readAllBytes();
            }
            cache.put(name, bytes);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }
}
