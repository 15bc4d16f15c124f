package cn.egov.manager.exchange;

import cn.egov.manager.config.KeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The exchange hub's keys in the manager's configuration file (prefix {@code exchange.}): one
 * schema for loading (an unknown {@code exchange.} key, or a value its check refuses, is an error
 * naming file and line), {@code manager config-keys} and the documentation (manager/README.md,
 * section 公文交换).
 */
public enum ExchangeConfigKey {
    TRUST_FILE("exchange.trust-file", "", "PEM file with the provincial root and issuing CA certificates ('manager ca export' writes it); "
            + "registrations and receipts are verified against it. Empty: units cannot register.", KeySpec.TEXT),
    MAX_DOCUMENT_BYTES("exchange.max-document-bytes", "20971520", "Largest sealed document the hub takes, in bytes.", KeySpec.atLeast(1, false)),
    DEDUPE_DAYS("exchange.dedupe-days", "30", "Days a message id is remembered after its last recipient is final: at least the longest outage.",
            KeySpec.atLeast(1, false)),
    RESEND_S("exchange.resend-s", "60", "Seconds the hub waits for a connected box to acknowledge a document or notice before sending it "
            + "again; the wait doubles at every further send, up to exchange.resend-max-s. A box that connects gets everything at once.",
            KeySpec.atLeast(1, false)),
    RESEND_MAX_S("exchange.resend-max-s", "1800", "Longest wait, in seconds, between two sends of a document or notice to a connected box.",
            KeySpec.atLeast(1, false)),
    QUEUE_CAPACITY("exchange.queue-capacity", "1000", "Messages from boxes waiting for the hub's writer; when full the receiver waits.",
            KeySpec.atLeast(1, false)),
    BATCH("exchange.batch", "200", "Most messages from boxes the hub commits in one transaction (they are acknowledged to the broker after it).",
            KeySpec.atLeast(1, false));

    public final String key;
    public final String defaultValue;
    public final String description;
    private final KeySpec.Check check;

    ExchangeConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.check = check;
    }

    /** The part's schema. */
    static List<KeySpec> specs() {
        return Arrays.stream(values()).map(k -> new KeySpec(k.key, k.defaultValue, k.description, k.check)).toList();
    }

    /** The key without {@code exchange.}: how the part's context names it. */
    String shortKey() {
        return key.substring("exchange.".length());
    }

    /** The settings from the part's keys (short names, defaults filled in and checked when the file was loaded). */
    static HubSettings settings(Map<String, String> keys) {
        return new HubSettings(number(keys, MAX_DOCUMENT_BYTES), Duration.ofDays(number(keys, DEDUPE_DAYS)),
                Duration.ofSeconds(number(keys, RESEND_S)), Duration.ofSeconds(number(keys, RESEND_MAX_S)),
                (int) Math.min(Integer.MAX_VALUE, number(keys, QUEUE_CAPACITY)), (int) Math.min(10_000, number(keys, BATCH)));
    }

    static String text(Map<String, String> keys, ExchangeConfigKey k) {
        return keys.getOrDefault(k.shortKey(), k.defaultValue).strip();
    }

    private static long number(Map<String, String> keys, ExchangeConfigKey k) {
        return Long.parseLong(text(keys, k));
    }
}
