package cn.egov.exchange.web;

import cn.egov.api.time.BeijingTime;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.exchange.store.IncomingRecord;
import cn.egov.exchange.store.InboxState;
import cn.egov.exchange.store.OutgoingRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the pages and the JSON API show of the store's records: JSON objects, and the labels and times of the pages. */
public final class Views {

    private Views() {
    }

    static Map<String, Object> incoming(IncomingRecord r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("message_id", r.messageId());
        v.put("recipient", r.recipient());
        v.put("issuer", r.issuer());
        v.put("state", r.state().name());
        v.put("reason", r.reason());
        v.put("received", iso(r.received()));
        v.put("doc_number", r.docNumber());
        v.put("title", r.title());
        v.put("urgency", r.urgency());
        v.put("deadline", iso(r.deadline()));
        v.put("created", iso(r.created()));
        return v;
    }

    static Map<String, Object> outgoing(OutgoingRecord r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("message_id", r.messageId());
        v.put("issuer", r.issuer());
        v.put("doc_number", r.docNumber());
        v.put("title", r.title());
        v.put("urgency", r.urgency());
        v.put("deadline", iso(r.deadline()));
        v.put("created", iso(r.created()));
        v.put("size", r.size());
        v.put("parts", r.digests().stream().map(d -> Map.of("name", d.name(), "size", d.size(), "algorithm", d.algorithm(),
                "digest", d.digest())).toList());
        Map<String, Object> recipients = new LinkedHashMap<>();
        r.recipients().forEach((unit, st) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("state", st.state().name());
            x.put("reason", st.reason());
            x.put("updated", iso(st.updated()));
            x.put("receipt", st.hasReceipt());
            recipients.put(unit, x);
        });
        v.put("recipients", recipients);
        return v;
    }

    static Map<String, Object> part(Part p) {
        return Map.of("name", p.name(), "media_type", p.mediaType(), "size", p.content().length);
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    /** A time as clerks read it (China time). */
    public static String time(Instant t) {
        return BeijingTime.toMinute(t);
    }

    /** A recipient's state in the outbox, Chinese first. */
    public static String label(DeliveryState s) {
        return switch (s) {
            case QUEUED -> "排队中 queued";
            case AT_HUB -> "已到交换中心 at the hub";
            case DELIVERED -> "已送达 delivered";
            case RECEIVED -> "已签收 received";
            case FAILED -> "被拒收 refused";
            case UNDELIVERABLE -> "无法送达 undeliverable";
        };
    }

    /** A received document's state in the inbox. */
    public static String label(InboxState s) {
        return switch (s) {
            case STORED -> "待开启 stored";
            case RECEIVED -> "已签收 received";
            case FAILED -> "已拒收 refused";
        };
    }

    /** 特急/加急/平件 from the stored urgency name. */
    public static String urgency(String name) {
        try {
            return cn.egov.exchange.model.Urgency.valueOf(name).chinese();
        } catch (RuntimeException e) {
            return name == null ? "" : name;
        }
    }

    /** CSS class of a recipient's row: good once receipted, bad when refused or given up. */
    public static String rowClass(DeliveryState s) {
        return switch (s) {
            case RECEIVED -> "ok";
            case FAILED, UNDELIVERABLE -> "fail";
            default -> "";
        };
    }
}
