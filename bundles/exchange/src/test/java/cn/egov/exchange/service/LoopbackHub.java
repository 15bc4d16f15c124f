package cn.egov.exchange.service;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the exchange hub in the box's unit tests: routes documents to the box serving the
 * recipient and the answers back to the sender as notices, synchronously. While {@link #down} the
 * messages wait (like the box's outbox while the backbone is down). The real hub, with its store,
 * de-duplication and deadlines, is {@code cn.egov.manager.exchange} (tested in the manager).
 */
final class LoopbackHub {

    record Sent(String box, String resource, KuraPayload payload) {
    }

    final Map<String, ExchangeService> boxes = new LinkedHashMap<>();
    final Map<String, String> unitToBox = new LinkedHashMap<>();
    final Map<String, byte[]> certs = new LinkedHashMap<>();
    final List<Sent> waiting = new ArrayList<>();
    final List<Sent> log = new ArrayList<>();
    final List<Alarm> alarms = new ArrayList<>();
    boolean down;
    int notices;

    HubLink linkFor(String box) {
        return new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                for (Message m : messages) {
                    Sent s = new Sent(box, m.resource(), m.payload());
                    log.add(s);
                    waiting.add(s);
                }
                if (!down) {
                    drain();
                }
            }

            @Override
            public void alarm(Alarm alarm) {
                alarms.add(alarm);
            }
        };
    }

    void drain() {
        while (!waiting.isEmpty() && !down) {
            Sent s = waiting.remove(0);
            try {
                route(s);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private void route(Sent s) throws Exception {
        KuraPayload p = s.payload();
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        switch (s.resource()) {
            case ExchangeWire.REGISTER -> {
                unitToBox.put(p.stringMetric(ExchangeWire.UNIT), s.box());
                certs.put(p.stringMetric(ExchangeWire.UNIT), p.body());
            }
            case ExchangeWire.DOC -> {
                notice(s.box(), "AT_HUB", id, null, null, null);
                Map<String, List<String>> byBox = new LinkedHashMap<>();
                for (String r : p.stringMetric(ExchangeWire.RECIPIENTS).split(",")) {
                    byBox.computeIfAbsent(unitToBox.get(r), b -> new ArrayList<>()).add(r);
                }
                byBox.forEach((box, units) -> {
                    try {
                        boxes.get(box).handle(ExchangeWire.PUT_DOC, KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, id)
                                .metric(ExchangeWire.ISSUER, p.stringMetric(ExchangeWire.ISSUER))
                                .metric(ExchangeWire.RECIPIENTS, String.join(",", units)).body(p.body()).build());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }
            case ExchangeWire.DELIVERED -> notice(unitToBox.get(p.stringMetric(ExchangeWire.ISSUER)), "DELIVERED", id,
                    p.stringMetric(ExchangeWire.RECIPIENT), null, null);
            case ExchangeWire.RECEIPT -> notice(unitToBox.get(p.stringMetric(ExchangeWire.ISSUER)), "RECEIPT", id,
                    p.stringMetric(ExchangeWire.RECIPIENT), null, p.body());
            case ExchangeWire.FAILED -> notice(unitToBox.get(p.stringMetric(ExchangeWire.ISSUER)), "FAILED", id,
                    p.stringMetric(ExchangeWire.RECIPIENT), p.stringMetric(ExchangeWire.REASON), null);
            default -> {
            }
        }
    }

    void notice(String box, String kind, String id, String recipient, String reason, byte[] body) throws Exception {
        KuraPayload.Builder b = KuraPayload.builder().metric(ExchangeWire.NOTICE_ID, "n" + (++notices)).metric(ExchangeWire.KIND, kind)
                .metric(ExchangeWire.MESSAGE_ID, id);
        if (recipient != null) {
            b.metric(ExchangeWire.RECIPIENT, recipient);
        }
        if (reason != null) {
            b.metric(ExchangeWire.REASON, reason);
        }
        if (body != null) {
            b.body(body);
        }
        boxes.get(box).handle(ExchangeWire.PUT_NOTICE, b.build());
    }

    /** The directory every box gets from the hub. */
    KuraPayload directory() {
        StringBuilder json = new StringBuilder("{\"units\":[");
        certs.forEach((u, der) -> json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append("{\"unit\":\"").append(u)
                .append("\",\"box\":\"").append(unitToBox.get(u)).append("\",\"certificate\":\"")
                .append(Base64.getEncoder().encodeToString(der)).append("\"}"));
        return KuraPayload.builder().body(json.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
    }

    long count(String resource) {
        return log.stream().filter(s -> s.resource().equals(resource)).count();
    }
}
