package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's subscription consumed in the broker's JVM keeps the MQTT session's contract: it
 * takes over what waited in the queues of the same client id's MQTT subscription, delivers each
 * queue in order, never more than its window unacknowledged, and what was not acknowledged comes
 * again: after the subscription is closed, and after a restart of the broker on its data folder
 * (there in order).
 */
class InternalSubscriptionTest {

    private static final String BOX = "130105-001";
    private static final String MANAGER = "egov-manager";
    private static final List<String> FILTERS = List.of("$EDC/hebei/+/MQTT/+", "hebei/+/#");
    private static final int WINDOW = 3;

    @TempDir
    Path dir;

    /** What a subscription delivered, in order, and the ids to acknowledge it with. */
    private static final class Received implements InternalSubscription.Sink {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        final Map<String, Long> ids = new ConcurrentHashMap<>();
        final List<String> topics = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(String topic, byte[] payload, long deliveryId) {
            String p = new String(payload, StandardCharsets.UTF_8);
            payloads.add(p);
            topics.add(topic);
            ids.put(p, deliveryId);
        }
    }

    private static List<String> messages(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).toList();
    }

    @Test
    void inOrderWithinTheWindowAndWhatIsNotAcknowledgedComesAgain() throws Exception {
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            MqttClient earlier = PlainLabBroker.connect(b.internalUrl(), MANAGER, false); // the MQTT subscriber of an earlier version
            earlier.subscribe(FILTERS.toArray(String[]::new), new int[] {1, 1});
            earlier.disconnect();
            earlier.close();
            // the broker closes that session's consumers after Paho returns: until then it would share the
            // queue with the in-VM consumer (every other message to it), which the manager never meets
            // (its MQTT session exists only in memory and only while it subscribes over MQTT)
            Poll.until("the earlier session's consumers closed", 60_000, () -> b.consumers(MANAGER) == 0);
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            for (String m : messages(0, 10)) {
                box.publish("hebei/" + BOX + "/HEALTH/status", m.getBytes(StandardCharsets.UTF_8), 1, false); // returns on the PUBACK
            }
            box.publish("$EDC/hebei/" + BOX + "/MQTT/BIRTH", "birth".getBytes(StandardCharsets.UTF_8), 1, false);

            Received first = new Received();
            InternalSubscription s = b.subscribeInternal(MANAGER, FILTERS, WINDOW, first);
            Poll.until("a window's worth delivered", 60_000, () -> first.payloads.size() >= WINDOW);
            Thread.sleep(300);
            // each queue checks the window before its delivery: with two queues one more may pass
            assertTrue(first.payloads.size() <= WINDOW + FILTERS.size() - 1, "delivered without an acknowledgement: " + first.payloads);
            List<String> acked = new ArrayList<>(first.payloads);
            for (String m : acked) {
                s.ack(first.ids.get(m));
            }
            Poll.until("more once acknowledged", 60_000, () -> first.payloads.size() > acked.size());
            s.close(); // what came after the acknowledgements is delivered and not acknowledged
            List<String> beforeClose = List.copyOf(first.payloads);
            Received second = new Received();
            InternalSubscription again = b.subscribeInternal(MANAGER, FILTERS, 100, second);
            List<String> all = new ArrayList<>(messages(0, 10));
            all.add("birth");
            Poll.until("everything not acknowledged, again", 60_000, () -> second.payloads.size() >= all.size() - acked.size());
            assertTrue(first.topics.contains("$EDC/hebei/" + BOX + "/MQTT/BIRTH") || second.topics.contains("$EDC/hebei/" + BOX + "/MQTT/BIRTH"),
                    "the control queue is consumed too");
            List<String> rest = new ArrayList<>(all);
            rest.removeAll(acked);
            // as a set: the closed consumers' messages go back on their queues after the new consumer may have started
            // (seen: m5-m9 before m2-m4); with the manager the subscription closes only when the broker stops: order
            // after a restart below
            assertEquals(sorted(rest), sorted(second.payloads), "exactly what was not acknowledged");
            assertEquals(beforeClose, first.payloads, "nothing reaches a closed subscription's sink (its consumers close with it)");
            assertEquals(healthOnly(first.payloads), messages(0, healthOnly(first.payloads).size()), "in order the first time too");
            List<String> unacknowledged = List.of("m7", "m8", "m9");
            second.payloads.stream().filter(m -> !unacknowledged.contains(m)).forEach(m -> {
                try {
                    again.ack(second.ids.get(m));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            box.disconnect();
            box.close();
            // m7 to m9 delivered, not acknowledged: the broker stops with them in flight
        }
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            Received after = new Received();
            InternalSubscription s = b.subscribeInternal(MANAGER, FILTERS, WINDOW, after);
            Poll.until("the unacknowledged messages after a restart", 60_000, () -> after.payloads.size() >= 3);
            Thread.sleep(300);
            assertEquals(List.of("m7", "m8", "m9"), after.payloads, "only what was never acknowledged survives the restart, in order");
            s.close();
        }
    }

    @Test
    void aMessageNeverAcknowledgedComesAgainHoweverOftenItWasDelivered() throws Exception {
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            Received first = new Received();
            InternalSubscription s = b.subscribeInternal(MANAGER, FILTERS, WINDOW, first); // the queues exist from here on
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            box.publish("hebei/" + BOX + "/HEALTH/status", "m0".getBytes(StandardCharsets.UTF_8), 1, false);
            box.disconnect();
            box.close();
            Poll.until("m0 delivered", 60_000, () -> first.payloads.contains("m0"));
            s.close();
            // more deliveries than Artemis's default max-delivery-attempts (10), after which it drops a message
            for (int attempt = 2; attempt <= 12; attempt++) {
                Received r = new Received();
                InternalSubscription again = b.subscribeInternal(MANAGER, FILTERS, WINDOW, r);
                Poll.until("m0 delivered (delivery " + attempt + ")", 60_000, () -> r.payloads.contains("m0"));
                again.close();
            }
        }
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    private static List<String> healthOnly(List<String> l) {
        return l.stream().filter(m -> m.startsWith("m")).toList();
    }
}
