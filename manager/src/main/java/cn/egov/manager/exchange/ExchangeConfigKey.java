package cn.egov.manager.exchange;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import cn.egov.manager.config.PartValues;
import java.time.Duration;
import java.util.List;

/**
 * The exchange hub's keys in the manager's configuration file (prefix {@code exchange.}): one
 * schema for loading (an unknown {@code exchange.} key, or a value its check refuses, is an error
 * naming file and line), {@code manager config-keys} and the documentation (manager/README.md,
 * section 公文交换).
 */
public enum ExchangeConfigKey implements PartKey {
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
            KeySpec.between(1, Integer.MAX_VALUE)),
    SENDS_WAITING("exchange.sends-waiting", "5000", "Messages to boxes (notices, document notices) of committed batches that wait in memory "
            + "for the hub's sender; beyond it the sender reads them back from the database for the boxes concerned (exchange.sends-deferred).",
            KeySpec.between(1, Integer.MAX_VALUE)),
    QUEUE_ALARM_RATIO("exchange.queue-alarm-ratio", "0.8", "Raise the alarm exchange.backlog (the writer's queue) or exchange.sends.backlog "
            + "(the sends waiting) when it passes this share of its bound.", KeySpec.RATIO),
    BATCH("exchange.batch", "200", "Most messages from boxes the hub commits in one transaction (they are acknowledged to the broker after it).",
            KeySpec.between(1, Integer.MAX_VALUE)),
    BIND("exchange.bind", "127.0.0.1", "Address of the document server, where boxes upload and fetch documents (HTTPS, box certificates only).",
            KeySpec.TEXT),
    PORT("exchange.port", "", "Port of the document server (0: a free port). Empty: no document server, and no document can be exchanged "
            + "(it also needs the provincial CA, ca.passphrase-file).", KeySpec.port(true)),
    MAX_CONNECTIONS("exchange.max-connections", "512", "Most connections the document server holds open at once; at the limit it stops accepting (further boxes wait unserved until one closes) and raises the http.connection-limit alarm.",
            KeySpec.between(1, 1_000_000)),
    TLS_DNS_NAMES("exchange.tls.dns-names", "localhost", "DNS names in the document server's certificate (the host of the boxes' hub.url), "
            + "comma-separated.", KeySpec.TEXT),
    TLS_IPS("exchange.tls.ips", "127.0.0.1", "IP addresses in the document server's certificate, comma-separated.", KeySpec.TEXT),
    COMMIT_WAIT_S("exchange.commit-wait-s", "60", "Seconds an upload waits for the hub's writer to store it; then 503 and the box sends it "
            + "again (the message id de-duplicates).", KeySpec.atLeast(1, false));

    private final KeySpec spec;

    ExchangeConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
        this.spec = new KeySpec(key, defaultValue, description, check);
    }

    @Override
    public KeySpec spec() {
        return spec;
    }

    /** The part's schema. */
    static List<KeySpec> specs() {
        return PartKey.specs(values());
    }

    /** The settings from the part's keys. */
    static HubSettings settings(PartValues v) {
        return new HubSettings(v.number(MAX_DOCUMENT_BYTES), Duration.ofDays(v.number(DEDUPE_DAYS)),
                Duration.ofSeconds(v.number(RESEND_S)), Duration.ofSeconds(v.number(RESEND_MAX_S)),
                v.integer(QUEUE_CAPACITY), Math.min(10_000, v.integer(BATCH)));
    }

    /** The document server's settings, or null when {@code exchange.port} is empty. */
    static DocumentServerSettings server(PartValues v) {
        if (v.text(PORT).isEmpty()) {
            return null;
        }
        return new DocumentServerSettings(v.text(BIND), v.integer(PORT), v.integer(MAX_CONNECTIONS), v.list(TLS_DNS_NAMES), v.list(TLS_IPS));
    }
}
