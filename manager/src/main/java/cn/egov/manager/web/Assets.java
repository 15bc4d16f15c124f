package cn.egov.manager.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The pages' static files, all from the manager's own jar (nothing is fetched from the Internet):
 * the stylesheet {@value #STYLESHEET_PATH} and the vendored libraries from their WebJars under
 * {@value #VENDOR} ({@code /assets/vendor/bootstrap/css/bootstrap.min.css},
 * {@code /assets/vendor/htmx/htmx.min.js}, {@code /assets/vendor/swagger-ui/...},
 * {@code /assets/vendor/echarts/echarts.min.js}). Only the files
 * of the listed libraries are served; the versions come from {@code manager/pom.xml}.
 */
public final class Assets {

    /** The manager's own stylesheet. */
    public static final String STYLESHEET_PATH = "/assets/manager.css";
    /** Where the WebJars' files are served. */
    public static final String VENDOR = "/assets/vendor";
    public static final String BOOTSTRAP_CSS = VENDOR + "/bootstrap/css/bootstrap.min.css";
    public static final String HTMX_JS = VENDOR + "/htmx/htmx.min.js";
    public static final String SWAGGER_UI = VENDOR + "/swagger-ui";

    /** Library name in the URL → folder in the class path (WebJar layout), filled from webjars.properties. */
    private static final Map<String, String> LIBRARIES = libraries();
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();
    private static final MimeTypes MIME = new MimeTypes();

    private Assets() {
    }

    private static Map<String, String> libraries() {
        Properties versions = new Properties();
        try (InputStream in = Assets.class.getResourceAsStream("webjars.properties")) {
            versions.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("webjars.properties is missing from the manager's jar", e);
        }
        return Map.of(
                "bootstrap", "META-INF/resources/webjars/bootstrap/" + versions.getProperty("bootstrap") + "/dist/",
                "htmx", "META-INF/resources/webjars/htmx.org/" + versions.getProperty("htmx") + "/dist/",
                "swagger-ui", "META-INF/resources/webjars/swagger-ui/" + versions.getProperty("swagger-ui") + "/",
                "echarts", "META-INF/resources/webjars/echarts/" + versions.getProperty("echarts") + "/dist/");
    }

    /** Serves {@value #STYLESHEET_PATH}. */
    static Request.Handler stylesheet() {
        return (request, response, callback) -> send(response, callback, "text/css; charset=utf-8",
                bytes("cn/egov/manager/web/manager.css"));
    }

    /** Serves {@value #VENDOR}{@code /<library>/<file>}; 404 for anything else. */
    static Request.Handler vendor() {
        return (request, response, callback) -> {
            String rest = Request.getPathInContext(request).substring(VENDOR.length());
            String[] parts = rest.split("/", 3);
            String folder = parts.length == 3 ? LIBRARIES.get(parts[1]) : null;
            if (folder == null || parts[2].contains("..") || parts[2].isEmpty()) {
                return Json.error(response, callback, 404, "no such file");
            }
            byte[] body = bytes(folder + parts[2]);
            if (body == null) {
                return Json.error(response, callback, 404, "no such file");
            }
            String type = MIME.getMimeByExtension(parts[2]);
            return send(response, callback, type == null ? "application/octet-stream"
                    : type.startsWith("text/") || type.contains("javascript") ? type + "; charset=utf-8" : type, body);
        };
    }

    private static byte[] bytes(String resource) {
        return CACHE.computeIfAbsent(resource, r -> {
            try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(r)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static boolean send(Response response, Callback callback, String type, byte[] body) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
