package cn.egov.manager.exchange;

import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import java.time.Duration;

/**
 * The exchange hub's keys in the manager's configuration file (prefix {@code exchange.}): one
 * schema for parsing, validation ({@code cli/ConfigParts} refuses unknown ones) and the
 * documentation (manager/README.md, section 公文交换).
 */
public enum ExchangeConfigKey {
    TRUST_FILE("exchange.trust-file", "", "PEM file with the provincial root and issuing CA certificates ('manager ca export' writes it); "
            + "registrations and receipts are verified against it. Empty: units cannot register."),
    MAX_DOCUMENT_BYTES("exchange.max-document-bytes", "20971520", "Largest sealed document the hub takes, in bytes."),
    DEDUPE_DAYS("exchange.dedupe-days", "30", "Days a message id is remembered after its last recipient is final: at least the longest outage."),
    RESEND_S("exchange.resend-s", "60", "Seconds the hub waits for a connected box to acknowledge a document or notice before sending it "
            + "again; the wait doubles at every further send, up to exchange.resend-max-s. A box that connects gets everything at once."),
    RESEND_MAX_S("exchange.resend-max-s", "1800", "Longest wait, in seconds, between two sends of a document or notice to a connected box."),
    QUEUE_CAPACITY("exchange.queue-capacity", "1000", "Messages from boxes waiting for the hub's writer; when full the receiver waits."),
    BATCH("exchange.batch", "200", "Most messages from boxes the hub commits in one transaction (they are acknowledged to the broker after it).");

    public final String key;
    public final String defaultValue;
    public final String description;

    ExchangeConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    String shortKey() {
        return key.substring("exchange.".length());
    }

    /** The value, or its default; unknown {@code exchange.} keys were refused when the file was loaded (cli/ConfigParts). */
    static String get(ManagerConfig config, ExchangeConfigKey k) {
        return config.extension("exchange").getOrDefault(k.shortKey(), k.defaultValue).strip();
    }

    static long positive(ManagerConfig config, ExchangeConfigKey k) {
        String v = get(config, k);
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(config.source() + ": " + k.key + " must be a positive integer, got '" + v + "'");
    }

    static HubSettings settings(ManagerConfig config) {
        return new HubSettings(positive(config, MAX_DOCUMENT_BYTES), Duration.ofDays(positive(config, DEDUPE_DAYS)),
                Duration.ofSeconds(positive(config, RESEND_S)), Duration.ofSeconds(positive(config, RESEND_MAX_S)),
                (int) Math.min(Integer.MAX_VALUE, positive(config, QUEUE_CAPACITY)), (int) Math.min(10_000, positive(config, BATCH)));
    }

    /** Documented sample lines. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# Document exchange hub (see manager/README.md)\n");
        for (ExchangeConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n').append('#').append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        return sb.toString();
    }
}
