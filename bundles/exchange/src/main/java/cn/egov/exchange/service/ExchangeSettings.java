package cn.egov.exchange.service;

import java.time.Duration;

/**
 * The exchange's settings on a box (from the Metatype configuration {@code cn.egov.exchange}).
 *
 * @param maxDocumentBytes  largest document (all files together) a clerk may send or a box accepts
 * @param dedupeWindow      how long a refused message id is remembered, and the oldest document accepted
 *                          (at least the longest outage the exchange must ride out)
 * @param inboundCapacity   messages from the hub waiting to be handled; more are dropped (the hub sends them again)
 * @param tick              how often deadlines, hand-overs and unopened documents are checked
 * @param defaultDeadline   the deadline of a document sent without one
 */
public record ExchangeSettings(long maxDocumentBytes, Duration dedupeWindow, int inboundCapacity, Duration tick,
                               Duration defaultDeadline) {

    public static ExchangeSettings defaults() {
        return new ExchangeSettings(20L * 1024 * 1024, Duration.ofDays(30), 2000, Duration.ofSeconds(30), Duration.ofDays(3));
    }

    public ExchangeSettings {
        if (maxDocumentBytes <= 0 || inboundCapacity <= 0 || dedupeWindow.isNegative() || dedupeWindow.isZero()
                || tick.isNegative() || tick.isZero() || defaultDeadline.isNegative() || defaultDeadline.isZero()) {
            throw new IllegalArgumentException("exchange settings must be positive");
        }
    }
}
