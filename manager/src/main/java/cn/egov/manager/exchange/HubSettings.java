package cn.egov.manager.exchange;

import java.time.Duration;

/**
 * The hub's settings (keys {@code exchange.*}, see {@link ExchangeConfigKey}).
 *
 * @param maxDocumentBytes largest envelope the hub takes
 * @param dedupeWindow     how long a message id is remembered after its last recipient is final
 * @param resendInterval   how long the hub waits for a connected box's acknowledgement before sending again
 * @param resendMax        the longest wait between sends: the wait doubles at every send up to this
 * @param queueCapacity    messages from boxes waiting for the hub's writer (the MQTT receiver waits when full)
 * @param batch            most messages from boxes committed in one transaction (group commit)
 */
public record HubSettings(long maxDocumentBytes, Duration dedupeWindow, Duration resendInterval, Duration resendMax, int queueCapacity,
                          int batch) {

    /**
     * When to send again after the {@code attempts}-th send, measured from {@code now}: the resend
     * interval, doubled at every further attempt, at most {@link #resendMax}. A box that is slow
     * to answer (a backlog) is not flooded with copies; one that lost a message gets it again soon.
     */
    public long nextSend(long now, int attempts) {
        long base = resendInterval.toMillis();
        long wait = attempts <= 1 ? base : base << Math.min(attempts - 1, 20);
        return now + Math.min(wait, Math.max(base, resendMax.toMillis()));
    }
}
