package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps no MQTT session-state records (what made every CONNECT of a storm wait
 * on one lock and a journal sync), and the manager's persistent session still gets, after a broker
 * restart, what boxes published while it was away: its subscription queues are durable by
 * themselves, and it subscribes again at every connect.
 */
class MqttSessionStoreTest {

    private static final String BOX = "130105-001";
    private static final String MANAGER = "egov-manager";
    private static final String TOPIC = "hebei/" + BOX + "/HEALTH/status";
    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    @Test
    void noSessionRecordsAndThePersistentSessionKeepsItsMessagesOverARestart() throws Exception {
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            MqttClient manager = PlainLabBroker.connect(b.internalUrl(), MANAGER, false); // only there may it keep a session
            manager.subscribe("hebei/#", 1);
            manager.disconnect();
            manager.close();
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            box.subscribe("$EDC/hebei/" + BOX + "/CONF/EXEC/#", 1);
            for (int i = 0; i < MESSAGES; i++) {
                box.publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false); // returns on the PUBACK
            }
            assertEquals(0, b.sessionStoreRecords(), "session-state records while a box and the manager's session exist");
            // the PUBACK follows the journal write; Artemis adds the message to the queue's count on the queue's own thread
            long queued = b.backlogMessages(MANAGER);
            for (long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60); queued < MESSAGES && System.nanoTime() < until; ) {
                Thread.sleep(50);
                queued = b.backlogMessages(MANAGER);
            }
            assertEquals(MESSAGES, queued, "queued for the manager while it is away");
            box.disconnect();
            box.close();
        }
        try (ArtemisBroker b = PlainLabBroker.start(dir)) {
            List<String> got = new CopyOnWriteArrayList<>();
            MqttClient manager = new MqttClient(b.internalUrl(), MANAGER, new MemoryPersistence());
            manager.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                    got.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
                }
            });
            manager.connect(PlainLabBroker.options(MANAGER, false));
            manager.subscribe("hebei/#", 1); // as the manager's subscriber does at every connect
            for (int i = 0; i < 100 && got.size() < MESSAGES; i++) {
                Thread.sleep(100);
            }
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), got, "what waited for the manager's session, after the restart");
            assertEquals(0, b.sessionStoreRecords());
            manager.disconnect();
            manager.close();
        }
    }
}
