package cn.egov.exchange.service;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the exchange hub in the box's unit tests: takes uploaded documents ({@link #transferFor},
 * answered AT_HUB at once), tells the box serving each recipient, which fetches the envelope, and routes
 * the answers back to the sender as notices, synchronously. While {@link #down} the outbox's messages
 * wait and uploads and fetches fail (the backbone is down); {@link #drain} routes what waits and has
 * every box upload what it holds. While {@link #holdDeliveries} the hub takes documents but does not
 * reach the recipients' boxes. The real hub, with its store, de-duplication and deadlines, is
 * {@code cn.egov.manager.exchange} (tested in the manager).
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
    final Map<String, byte[]> envelopes = new LinkedHashMap<>();
    final List<Sent> held = new ArrayList<>();
    volatile boolean down;
    volatile boolean holdDeliveries;
    /** The boxes' outboxes hold an emergency report (more urgent than documents). */
    volatile boolean urgentWaiting;
    int notices;
    int fetches;

    HubTransfer transferFor(String box) {
        return new HubTransfer() {
            @Override
            public Answer upload(String messageId, KuraPayload document) throws IOException {
                synchronized (LoopbackHub.this) {
                    if (down) {
                        throw new IOException("the backbone is down");
                    }
                    Sent s = new Sent(box, ExchangeWire.DOC, document);
                    log.add(s);
                    envelopes.put(messageId, document.body());
                    if (holdDeliveries) {
                        held.add(s);
                    } else {
                        route(s);
                    }
                    return new Answer(null);
                }
            }

            @Override
            public byte[] fetch(String messageId, long maxBytes) throws IOException {
                synchronized (LoopbackHub.this) {
                    if (down || !envelopes.containsKey(messageId)) {
                        throw new IOException(down ? "the backbone is down" : "404 " + messageId);
                    }
                    fetches++;
                    return envelopes.get(messageId);
                }
            }
        };
    }

    /** The hub reaches the recipients' boxes of the documents it held. */
    synchronized void deliverHeld() {
        holdDeliveries = false;
        while (!held.isEmpty()) {
            route(held.remove(0));
        }
    }

    HubLink linkFor(String box) {
        return new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                synchronized (LoopbackHub.this) {
                    for (Message m : messages) {
                        Sent s = new Sent(box, m.resource(), m.payload());
                        log.add(s);
                        waiting.add(s);
                    }
                    while (!waiting.isEmpty() && !down) {
                        route(waiting.remove(0));
                    }
                }
            }

            @Override
            public void alarm(Alarm alarm) {
                alarms.add(alarm);
            }

            @Override
            public boolean urgentWaiting() {
                return urgentWaiting;
            }
        };
    }

    /** Routes what waits in the outboxes, then has every box upload what it holds (outside the hub's lock: uploads run on the box's threads). */
    void drain() {
        synchronized (this) {
            while (!waiting.isEmpty() && !down) {
                route(waiting.remove(0));
            }
        }
        for (ExchangeService box : List.copyOf(boxes.values())) {
            try {
                while (box.uploadDue() == ExchangeService.Uploads.SOME) {
                    // another round
                }
            } catch (IOException e) {
                // down: the documents wait on the box
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private void route(Sent s) {
        try {
            routeChecked(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void routeChecked(Sent s) throws Exception {
        KuraPayload p = s.payload();
        String id = p.stringMetric(ExchangeWire.MESSAGE_ID);
        switch (s.resource()) {
            case ExchangeWire.REGISTER -> {
                unitToBox.put(p.stringMetric(ExchangeWire.UNIT), s.box());
                certs.put(p.stringMetric(ExchangeWire.UNIT), p.body());
            }
            case ExchangeWire.DOC -> {
                // AT_HUB is the upload's answer; the recipient's box is told and fetches the envelope
                Map<String, List<String>> byBox = new LinkedHashMap<>();
                for (String r : p.stringMetric(ExchangeWire.RECIPIENTS).split(",")) {
                    byBox.computeIfAbsent(unitToBox.get(r), b -> new ArrayList<>()).add(r);
                }
                byBox.forEach((box, units) -> {
                    try {
                        boxes.get(box).handle(ExchangeWire.PUT_DOC, KuraPayload.builder().metric(ExchangeWire.MESSAGE_ID, id)
                                .metric(ExchangeWire.ISSUER, p.stringMetric(ExchangeWire.ISSUER))
                                .metric(ExchangeWire.RECIPIENTS, String.join(",", units)).build());
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
