package cn.egov.manager.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.eclipse.jetty.server.Request;

/** A JSON request body, read inside the route's bound; errors in plain words, without the parser's internals. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /** A body that is not the JSON asked for; its message is for the caller. */
    public static final class BadBody extends Exception {
        private static final long serialVersionUID = 1L;

        public BadBody(String message) {
            super(message);
        }
    }

    /**
     * The body as a JSON object. Throws {@link BodyTooLargeException} past the bound (413 from the
     * dispatcher) and {@link BadBody} when it is not a JSON object.
     */
    public static JsonNode object(Request request) throws IOException, BadBody {
        byte[] body = RequestBodies.bytes(request);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new BadBody("the body is not valid JSON" + (where == null ? "" : " (line " + where.getLineNr() + ", column "
                    + where.getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw new BadBody("the body must be a JSON object");
        }
        return node;
    }
}
