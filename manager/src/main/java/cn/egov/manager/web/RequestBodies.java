package cn.egov.manager.web;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Reads a request body inside its route's bound (see {@link WebRoute.Writes}). */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * The whole body. Throws {@link BodyTooLargeException} (the dispatcher answers 413) when it
     * passes the route's bound; the bytes past the bound are never read.
     */
    public static byte[] bytes(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            return in.readAllBytes();
        } catch (IOException e) {
            BodyTooLargeException tooLarge = tooLarge(e);
            throw tooLarge != null ? tooLarge : e;
        }
    }

    /** The {@link BodyTooLargeException} in {@code t}'s causes, or null. */
    static BodyTooLargeException tooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BodyTooLargeException b) {
                return b;
            }
        }
        return null;
    }
}
