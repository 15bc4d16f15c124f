package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.StderrCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker has somewhere to put what it gives up on: a message whose delivery attempts
 * are spent lands in the dead-letter queue, an expired one in the expired queue, each counted, and
 * Artemis no longer warns at start that it has neither (AMQ222165, AMQ222166), because it has both.
 */
class BrokerSetAsideTest {

    private static final String BOX = "130105-001";
    private static final String MANAGER = "egov-manager";
    private static final String TOPIC = "hebei/" + BOX + "/HEALTH/status";

    @TempDir
    Path dir;

    @Test
    void noWarningAtStartAndWhatArtemisGivesUpOnLandsWhereConfigured() throws Exception {
        try (StderrCapture log = new StderrCapture(); ArtemisBroker b = PlainLabBroker.start(dir)) {
            MqttClient manager = PlainLabBroker.connect(b.internalUrl(), MANAGER, false); // a durable subscription queue
            manager.subscribe("hebei/#", 1);
            manager.disconnect();
            manager.close();
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true); // and a non-durable one
            box.subscribe("$EDC/hebei/" + BOX + "/CONF/EXEC/#", 1);
            box.publish(TOPIC, "first".getBytes(StandardCharsets.UTF_8), 1, false); // returns on the PUBACK
            box.publish(TOPIC, "second".getBytes(StandardCharsets.UTF_8), 1, false);

            assertFalse(log.text().contains("AMQ222165"), "no 'no dead-letter address' warning:\n" + log.text());
            assertFalse(log.text().contains("AMQ222166"), "no 'no expiry address' warning:\n" + log.text());

            List<Queue> queues = b.subscriptionQueues(MANAGER);
            assertEquals(1, queues.size(), "the manager's one subscription queue");
            Queue q = queues.get(0);
            List<Long> ids = messageIds(q, 2);
            assertEquals(2, ids.size(), "both messages wait for the manager");
            assertTrue(q.sendMessageToDeadLetterAddress(ids.get(0)), "Artemis has a dead-letter address to send to");
            assertTrue(q.expireReference(ids.get(1)), "Artemis expires to the expiry address");

            assertEquals(new ArtemisBroker.SetAsideCount(1, 0), settled(b, ArtemisBroker.SetAside.DEAD_LETTER, new ArtemisBroker.SetAsideCount(1, 0)));
            assertEquals(new ArtemisBroker.SetAsideCount(1, 0), settled(b, ArtemisBroker.SetAside.EXPIRED, new ArtemisBroker.SetAsideCount(1, 0)));
            assertEquals(0, b.backlogMessages(), "set-aside messages are not a backlog for anyone");
            assertTrue(log.text().contains("to Dead Letter Address " + ArtemisBroker.DEAD_LETTER), "Artemis's own line names where it went");

            // what the NOC sees of it (GET /api/broker/set-aside), and the purge once looked at
            List<ArtemisBroker.SetAsideMessage> dead = b.setAsideMessages(ArtemisBroker.SetAside.DEAD_LETTER, 100);
            assertEquals(1, dead.size());
            assertEquals(TOPIC, dead.get(0).topic(), "the topic it was published to, which names the box");
            assertTrue(dead.get(0).bytes() >= "first".length());
            assertEquals(1, b.purge(ArtemisBroker.SetAside.DEAD_LETTER));
            assertEquals(new ArtemisBroker.SetAsideCount(0, 0), settled(b, ArtemisBroker.SetAside.DEAD_LETTER, new ArtemisBroker.SetAsideCount(0, 0)));
            assertEquals(List.of(), b.setAsideMessages(ArtemisBroker.SetAside.DEAD_LETTER, 100));
            assertEquals(new ArtemisBroker.SetAsideCount(1, 0), b.setAside(ArtemisBroker.SetAside.EXPIRED), "the other queue is left alone");
            box.disconnect();
            box.close();
        }
    }

    @Test
    void aSetAsideQueueKeepsTheNewestAtItsBoundAndCountsWhatWasReplaced() throws Exception {
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            MqttClient manager = PlainLabBroker.connect(b.internalUrl(), MANAGER, false);
            manager.subscribe("hebei/#", 1);
            manager.disconnect();
            manager.close();
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            long over = 3;
            for (long i = 0; i < ArtemisBroker.SET_ASIDE_BOUND + over; i++) {
                box.publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            Queue q = b.subscriptionQueues(MANAGER).get(0);
            for (long id : messageIds(q, ArtemisBroker.SET_ASIDE_BOUND + over)) {
                q.sendMessageToDeadLetterAddress(id);
            }
            ArtemisBroker.SetAsideCount expected = new ArtemisBroker.SetAsideCount(ArtemisBroker.SET_ASIDE_BOUND, over);
            assertEquals(expected, settled(b, ArtemisBroker.SetAside.DEAD_LETTER, expected));
            box.disconnect();
            box.close();
        }
    }

    /** The count of {@code where} once it is {@code expected}, or after 60 s (Artemis moves and trims on its own threads). */
    private static ArtemisBroker.SetAsideCount settled(ArtemisBroker b, ArtemisBroker.SetAside where, ArtemisBroker.SetAsideCount expected)
            throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        ArtemisBroker.SetAsideCount now = b.setAside(where);
        while (!now.equals(expected) && System.nanoTime() < until) {
            Thread.sleep(50);
            now = b.setAside(where);
        }
        return now;
    }

    /** The ids of the messages in {@code q}, once it lists {@code expected} (Artemis adds them to its list on its own thread). */
    private static List<Long> messageIds(Queue q, long expected) throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<Long> ids = new ArrayList<>();
            try (LinkedListIterator<MessageReference> it = q.browserIterator()) {
                while (it.hasNext()) {
                    ids.add(it.next().getMessageID());
                }
            }
            if (ids.size() >= expected || System.nanoTime() > until) {
                return ids;
            }
            Thread.sleep(50);
        }
    }
}
