package cn.egov.manager.web;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The request as a handler sees it: its body ends in a {@link BodyTooLargeException} failure as
 * soon as it would pass the route's bound, whatever the declared length (chunked bodies have
 * none). The chunk that would cross the bound is released unread, so no handler ever holds more
 * than the bound, and reading stops there: the rest of the body is never pulled from the network.
 */
final class BoundedRequest extends Request.Wrapper {

    private final long limit;
    private final WebMetrics metrics;
    private long read;
    private Content.Chunk failure;

    BoundedRequest(Request wrapped, long limit, WebMetrics metrics) {
        super(wrapped);
        this.limit = limit;
        this.metrics = metrics;
    }

    @Override
    public Content.Chunk read() {
        if (failure != null) {
            return failure;
        }
        Content.Chunk chunk = super.read();
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
            return chunk;
        }
        int n = chunk.remaining();
        if (read + n > limit) {
            chunk.release();
            failure = Content.Chunk.from(new BodyTooLargeException(limit), true);
            return failure;
        }
        read += n;
        metrics.bodyBytesRead.add(n);
        return chunk;
    }
}
