package cn.egov.manager.web;

import java.io.IOException;

/** A request body went past its route's bound; the dispatcher answers 413. */
public final class BodyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;
    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
