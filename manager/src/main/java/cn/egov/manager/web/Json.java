package cn.egov.manager.web;

import cn.egov.api.web.UnreadBody;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes JSON responses (records and maps via Jackson). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /** Writes {@code body} as JSON with {@code status}; always returns true (handled). */
    public static boolean write(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = 500;
            bytes = ("{\"error\":\"cannot render JSON\"}").getBytes(StandardCharsets.UTF_8);
        }
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
        return true;
    }

    /** {@code {"error": message}} with {@code status}. */
    public static boolean error(Response response, Callback callback, int status, String message) {
        return write(response, callback, status, java.util.Map.of("error", message));
    }

    static boolean text(Response response, Callback callback, int status, String contentType, String text) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, text, callback);
        return true;
    }
}
