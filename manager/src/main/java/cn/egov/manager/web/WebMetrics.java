package cn.egov.manager.web;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the web server, shown in {@code /api/metrics} under {@code web.}. */
public final class WebMetrics {
    /** Request-body bytes handed to handlers, in total. */
    public final LongAdder bodyBytesRead = new LongAdder();
    /** Requests answered 413 (declared or read past the route's bound). */
    public final LongAdder bodiesTooLarge = new LongAdder();
    /** Failed logins (wrong or unknown user, password or token). */
    public final LongAdder loginFailures = new LongAdder();
    /** Login attempts refused because the source or user had too many failures (429). */
    public final LongAdder loginsThrottled = new LongAdder();
}
