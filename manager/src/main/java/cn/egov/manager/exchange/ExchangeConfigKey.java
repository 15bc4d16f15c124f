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
    SENDS_WAITING("exchange.sends-waiting", "5000", "Messages to boxes (notices, document notices) of committed batches that wait in memory "
            + "for the hub's sender; beyond it the sender reads them back from the database for the boxes concerned (exchange.sends-deferred).",
            KeySpec.atLeast(1, false)),
    QUEUE_ALARM_RATIO("exchange.queue-alarm-ratio", "0.8", "Raise the alarm exchange.backlog (the writer's queue) or exchange.sends.backlog "
            + "(the sends waiting) when it passes this share of its bound.", KeySpec.RATIO),
    BATCH("exchange.batch", "200", "Most messages from boxes the hub commits in one transaction (they are acknowledged to the broker after it).",
            KeySpec.atLeast(1, false)),
    BIND("exchange.bind", "127.0.0.1", "Address of the document server, where boxes upload and fetch documents (HTTPS, box certificates only).",
            KeySpec.TEXT),
    PORT("exchange.port", "", "Port of the document server (0: a free port). Empty: no document server, and no document can be exchanged "
            + "(it also needs the provincial CA, ca.passphrase-file).", KeySpec.port(true)),
    TLS_DNS_NAMES("exchange.tls.dns-names", "localhost", "DNS names in the document server's certificate (the host of the boxes' hub.url), "
            + "comma-separated.", KeySpec.TEXT),
    TLS_IPS("exchange.tls.ips", "127.0.0.1", "IP addresses in the document server's certificate, comma-separated.", KeySpec.TEXT),
    COMMIT_WAIT_S("exchange.commit-wait-s", "60", "Seconds an upload waits for the hub's writer to store it; then 503 and the box sends it "
            + "again (the message id de-duplicates).", KeySpec.atLeast(1, false));

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

    /** The document server's settings, or null when {@code exchange.port} is empty. */
    static DocumentServerSettings server(Map<String, String> keys) {
        String port = text(keys, PORT);
        if (port.isEmpty()) {
            return null;
        }
        return new DocumentServerSettings(text(keys, BIND), Integer.parseInt(port), csv(text(keys, TLS_DNS_NAMES)), csv(text(keys, TLS_IPS)));
    }

    static int sendsWaiting(Map<String, String> keys) {
        return (int) Math.min(Integer.MAX_VALUE, number(keys, SENDS_WAITING));
    }

    static double queueAlarmRatio(Map<String, String> keys) {
        return Double.parseDouble(text(keys, QUEUE_ALARM_RATIO));
    }

    static Duration commitWait(Map<String, String> keys) {
        return Duration.ofSeconds(number(keys, COMMIT_WAIT_S));
    }

    private static List<String> csv(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    static String text(Map<String, String> keys, ExchangeConfigKey k) {
        return keys.getOrDefault(k.shortKey(), k.defaultValue).strip();
    }

    private static long number(Map<String, String> keys, ExchangeConfigKey k) {
        return Long.parseLong(text(keys, k));
    }
}
