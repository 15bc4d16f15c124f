package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.text.LogSafe;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.IngestRecord.Decoded;
import cn.egov.manager.ingest.IngestRecord.Malformed;
import cn.egov.rules.unit.UnitCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns raw broker input into a {@link Decoded} message or a {@link Malformed} record with a reason
 * and a detail that names the topic level, byte offset or metric. Never throws for bad input.
 *
 * <p>Every string metric is bounded ({@link #STRING_BOUNDS}, from the box's own configuration
 * schema; {@link #MAX_STRING_CHARS} for the rest) and so is every metric name: a longer one makes
 * the message {@code string-too-long}, so that one box cannot fill the store or the fleet page
 * with a 100,000-character name. Details quote outside text through {@link LogSafe}: they are
 * logged, and a newline in a box's value must not forge a log line.
 */
public final class MessageDecoder {

    /** Health metrics that must be numbers. */
    private static final List<String> NUMERIC_HEALTH = List.of(BoxMetrics.HEAP_USED_BYTES, BoxMetrics.HEAP_MAX_BYTES,
            BoxMetrics.CPU_LOAD, BoxMetrics.DISK_FREE_BYTES, BoxMetrics.OUTBOX_DEPTH, BoxMetrics.OUTBOX_EVICTED);

    /** Strings the box itself bounds (telemetry identity settings, BIRTH metrics), in characters. */
    static final Map<String, Integer> STRING_BOUNDS = Map.ofEntries(
            Map.entry(BoxMetrics.DISPLAY_NAME, 128),          // display.name: ≤ 128 printable characters
            Map.entry(BoxMetrics.SERIAL_NUMBER, 64),          // serial.number: 1–64 of A-Z a-z 0-9 . _ -
            Map.entry(BoxMetrics.UNIT_CODE, 10),              // CCCCCC-DDD
            Map.entry(MessageId.EPOCH_METRIC, 64),            // a random id
            Map.entry(BoxMetrics.MODEL_ID, 128),
            Map.entry(BoxMetrics.FIRMWARE_VERSION, 128),
            Map.entry(BoxMetrics.OS, 128),
            Map.entry(BoxMetrics.OS_VERSION, 128),
            Map.entry(BoxMetrics.JVM_NAME, 128),
            Map.entry(BoxMetrics.JVM_VERSION, 128),
            Map.entry(BoxMetrics.OSGI_FRAMEWORK, 128),
            Map.entry(BoxMetrics.CONNECTION_INTERFACE, 128),
            Map.entry(BoxMetrics.CONNECTION_IP, 128),
            Map.entry(BoxMetrics.APPLICATION_IDS, 1024));
    /** Any other string metric (alarm messages, evidence, findings and their remediation text). */
    static final int MAX_STRING_CHARS = 4096;
    /** Metric names are short identifiers ({@code evidence.src_ip}). */
    static final int MAX_NAME_CHARS = 128;

    private final String account;
    private final int maxPayloadBytes;

    public MessageDecoder(String account, int maxPayloadBytes) {
        this.account = account;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public IngestRecord decode(InboundMessage m) {
        byte[] bytes = m.payload() == null ? new byte[0] : m.payload();
        if (bytes.length > maxPayloadBytes) {
            return bad(MalformedReason.TOO_LARGE, bytes.length + " bytes, limit " + maxPayloadBytes, m);
        }
        Optional<KuraTopic> parsed = KuraTopic.parse(m.topic());
        if (parsed.isEmpty()) {
            return bad(MalformedReason.BAD_TOPIC, "not <account>/<client-id>/<app-id>/... nor $EDC/...", m);
        }
        KuraTopic topic = parsed.get();
        if (!account.equals(topic.account())) {
            return bad(MalformedReason.WRONG_ACCOUNT, "account level '" + topic.account() + "', expected '" + account + "'", m);
        }
        if (!UnitCode.isValid(topic.clientId())) {
            return bad(MalformedReason.UNKNOWN_CLIENT_ID, "client id level '" + topic.clientId() + "' is not a unit code CCCCCC-DDD", m);
        }
        UnitCode unit = UnitCode.parse(topic.clientId()); // the message's one parse: the unit filter and the store take this one
        KuraPayload payload;
        try {
            payload = KuraPayloadCodec.decode(bytes);
        } catch (PayloadFormatException e) {
            return bad(MalformedReason.BAD_PAYLOAD, e.getMessage(), m);
        } catch (RuntimeException e) {
            return bad(MalformedReason.BAD_PAYLOAD, e.getClass().getSimpleName() + ": " + e.getMessage(), m);
        }
        Problem tooLong = checkStrings(payload);
        if (tooLong != null) {
            return bad(tooLong.reason(), tooLong.detail(), m);
        }
        IngestKind kind;
        if (topic.control() && KuraTopic.MQTT_APP.equals(topic.appId())) {
            switch (topic.resource()) {
                case "BIRTH" -> kind = IngestKind.BIRTH;
                case "DC" -> kind = IngestKind.DC;
                case "LWT" -> kind = IngestKind.LWT;
                default -> {
                    return bad(MalformedReason.UNKNOWN_LIFECYCLE, "lifecycle resource '" + topic.resource() + "'", m);
                }
            }
        } else if (!topic.control() && BoxMetrics.HEALTH_APP.equals(topic.appId())) {
            kind = IngestKind.HEALTH;
        } else if (!topic.control() && Alarm.APP_ID.equals(topic.appId())) {
            kind = IngestKind.ALARM;
        } else {
            kind = IngestKind.TELEMETRY;
        }
        Problem problem = checkTypes(kind, unit, payload);
        if (problem != null) {
            return bad(problem.reason(), problem.detail(), m);
        }
        Object epoch = payload.metric(MessageId.EPOCH_METRIC);
        Object seq = payload.metric(MessageId.SEQUENCE_METRIC);
        MessageId id = epoch == null ? null : new MessageId((String) epoch, ((Number) seq).longValue());
        return new Decoded(kind, topic, unit, payload, id, m);
    }

    private record Problem(MalformedReason reason, String detail) {
    }

    /** The first metric name or string value past its bound, or null. */
    private static Problem checkStrings(KuraPayload p) {
        for (Map.Entry<String, Object> e : p.metrics().entrySet()) {
            String name = e.getKey();
            if (name.length() > MAX_NAME_CHARS) {
                return new Problem(MalformedReason.STRING_TOO_LONG, "a metric name is " + name.length() + " characters, limit "
                        + MAX_NAME_CHARS);
            }
            if (e.getValue() instanceof String v) {
                int limit = STRING_BOUNDS.getOrDefault(name, MAX_STRING_CHARS);
                // characters as the boxes count them (code points): a CJK Extension B character is two UTF-16 units
                if (v.length() > limit && v.codePointCount(0, v.length()) > limit) {
                    return new Problem(MalformedReason.STRING_TOO_LONG, "metric '" + name + "' is " + v.codePointCount(0, v.length())
                            + " characters, limit " + limit);
                }
            }
        }
        return null;
    }

    /** The first problem with the metrics, or null. */
    private static Problem checkTypes(IngestKind kind, UnitCode unit, KuraPayload p) {
        Object epoch = p.metric(MessageId.EPOCH_METRIC);
        Object seq = p.metric(MessageId.SEQUENCE_METRIC);
        if ((epoch == null) != (seq == null)) {
            return typeProblem(MessageId.EPOCH_METRIC + "/" + MessageId.SEQUENCE_METRIC, "both present", epoch != null ? epoch : seq);
        }
        if (epoch != null && !(epoch instanceof String)) {
            return typeProblem(MessageId.EPOCH_METRIC, "STRING", epoch);
        }
        if (seq != null && !(seq instanceof Long || seq instanceof Integer)) {
            return typeProblem(MessageId.SEQUENCE_METRIC, "INT64", seq);
        }
        switch (kind) {
            case HEALTH -> {
                for (String name : NUMERIC_HEALTH) {
                    Object v = p.metric(name);
                    if (v != null && !(v instanceof Number)) {
                        return typeProblem(name, "a number", v);
                    }
                }
            }
            case BIRTH -> {
                Object interval = p.metric(BoxMetrics.HEALTH_INTERVAL_S);
                if (interval != null && !(interval instanceof Long || interval instanceof Integer)) {
                    return typeProblem(BoxMetrics.HEALTH_INTERVAL_S, "INT32 or INT64", interval);
                }
                Object code = p.metric(BoxMetrics.UNIT_CODE);
                if (code != null && !(code instanceof String)) {
                    return typeProblem(BoxMetrics.UNIT_CODE, "STRING", code);
                }
                if (code != null && !code.equals(unit.toString())) {
                    return new Problem(MalformedReason.IDENTITY_MISMATCH,
                            "BIRTH names unit " + code + " but was published under client id " + unit);
                }
            }
            case ALARM -> {
                Object sev = p.metric("severity");
                if (sev != null && !(sev instanceof String)) {
                    return typeProblem("severity", "STRING", sev);
                }
                if (sev != null && java.util.Arrays.stream(Alarm.Severity.values()).noneMatch(s -> s.name().equals(sev))) {
                    return typeProblem("severity", "one of " + java.util.Arrays.toString(Alarm.Severity.values()), sev);
                }
            }
            default -> {
            }
        }
        return null;
    }

    private static Problem typeProblem(String metric, String expected, Object actual) {
        return new Problem(MalformedReason.WRONG_METRIC_TYPE, "metric '" + metric + "' must be " + expected + ", got " + actual.getClass().getSimpleName()
                + (actual instanceof byte[] ? "" : " " + abbreviate(String.valueOf(actual))));
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The detail quotes outside text (topic levels, metric names and values): escaped once, here, for every log and store. */
    private static Malformed bad(MalformedReason reason, String detail, InboundMessage m) {
        return new Malformed(reason, LogSafe.of(detail), m);
    }


}
