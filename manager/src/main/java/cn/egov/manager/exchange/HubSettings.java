package cn.egov.manager.exchange;

import java.time.Duration;

/**
 * The hub's settings (keys {@code exchange.*}, see {@link ExchangeConfigKey}).
 *
 * @param maxDocumentBytes largest envelope the hub takes
 * @param dedupeWindow     how long a message id is remembered after its last recipient is final
 * @param resendInterval   how long the hub waits for a box's acknowledgement before sending again
 * @param queueCapacity    messages from boxes waiting for the hub's writer (the MQTT receiver waits when full)
 */
public record HubSettings(long maxDocumentBytes, Duration dedupeWindow, Duration resendInterval, int queueCapacity) {
}
