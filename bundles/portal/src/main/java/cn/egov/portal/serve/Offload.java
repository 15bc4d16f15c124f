package cn.egov.portal.serve;

import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Moves a request's blocking work off the selector thread that is serving it (the server's handler
 * is non-blocking, {@link PortalServer}) to the pool; a failure there is answered as an error.
 */
final class Offload {

    /** The blocking part of answering a request; it completes the request's callback. */
    interface Work {
        void run() throws Exception;
    }

    private Offload() {
    }

    static void to(Executor pool, Request request, Response response, Callback callback, Work work) {
        pool.execute(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        });
    }
}
