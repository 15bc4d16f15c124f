package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.policy.PolicySigning;
import cn.egov.manager.support.LabPasswords;
import cn.egov.manager.support.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps control topics the manager's: a box subscribes only inside its own
 * control namespace (SUBACK 0x80 otherwise) and cannot publish on control request topics, not even
 * its own (the manager's retained policy stays what a box reads). Real Artemis, real Paho clients.
 */
class ControlTopicAclTest {

    private static final String ACCOUNT = "hebei";
    private static final String BOX = "130602-001";
    private static final String OTHER = "130602-002";
    private static final int FAILURE = 0x80;
    private static final long WAIT_MS = 30_000;

    @TempDir
    static Path dir;
    private static ArtemisBroker broker;
    private static InternalClientGate gate;
    private static Path passwords;

    @BeforeAll
    static void start() throws Exception {
        gate = new InternalClientGate();
        passwords = dir.resolve("lab.passwd");
        Files.writeString(passwords, "");
        IdentityGate identities = new IdentityGate("egov-manager", gate, null, new PasswordFile(passwords).load(), null,
                unit -> Optional.empty());
        broker = new ArtemisBroker(dir, 64L * 1024 * 1024, new TopicAcl(ACCOUNT), identities, new RefusalLog(r -> { }))
                .listenPlain("127.0.0.1", 0);
        broker.start();
        broker.open();
        try (Client manager = Client.manager(broker.internalUrl(), gate.secret())) {
            manager.publishRetained(topic(OTHER), "for-002");
            manager.publishRetained(topic(BOX), "for-001");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static String topic(String unit) {
        return PolicySigning.bundleTopic(ACCOUNT, unit).toString();
    }

    @Test
    void aBoxSubscribesToItsOwnControlTopicButNotToAnotherUnitsNorThroughWildcards() throws Exception {
        long refusalsBefore = broker.aclRefusals();
        try (Client box = Client.box(broker.plainUrl(), BOX)) {
            assertEquals(FAILURE, box.subscribe(topic(OTHER)), "another unit's control topic");
            assertEquals(FAILURE, box.subscribe("$EDC/" + ACCOUNT + "/+/POLICY/PUT/bundle"), "a wildcard over units");
            assertEquals(FAILURE, box.subscribe("hebei/" + OTHER + "/#"), "another unit's telemetry");
            assertEquals(1, box.subscribe(topic(BOX)), "its own control topic");
            Poll.until("own retained bundle", WAIT_MS, () -> box.received.containsKey(topic(BOX)));
            assertArrayEquals("for-001".getBytes(StandardCharsets.UTF_8), box.received.get(topic(BOX)).get(0));
            assertTrue(!box.received.containsKey(topic(OTHER)), "never delivered: " + box.received.keySet());
        }
        assertTrue(broker.aclRefusals() >= refusalsBefore + 3, "refusals are counted: " + broker.aclRefusals());
    }

    @Test
    void aBoxCannotPublishOnControlTopicsNotEvenItsOwn() throws Exception {
        long before = broker.aclRefusals();
        // one connection per attempt: the broker may close the connection of a refused publish
        try (Client box = Client.box(broker.plainUrl(), BOX)) {
            box.tryPublishRetained(topic(BOX), "forged by the box");
        }
        try (Client box = Client.box(broker.plainUrl(), BOX)) {
            box.tryPublishRetained(topic(OTHER), "forged for another unit");
        }
        Poll.until("both publishes refused", WAIT_MS, () -> broker.aclRefusals() >= before + 2);
        // what any box reads on the control topics is still the manager's
        try (Client again = Client.box(broker.plainUrl(), BOX)) {
            assertEquals(1, again.subscribe(topic(BOX)));
            Poll.until("retained bundle", WAIT_MS, () -> again.received.containsKey(topic(BOX)));
            assertArrayEquals("for-001".getBytes(StandardCharsets.UTF_8), again.received.get(topic(BOX)).get(0));
        }
        try (Client other = Client.box(broker.plainUrl(), OTHER)) {
            assertEquals(1, other.subscribe(topic(OTHER)));
            Poll.until("retained bundle", WAIT_MS, () -> other.received.containsKey(topic(OTHER)));
            assertArrayEquals("for-002".getBytes(StandardCharsets.UTF_8), other.received.get(topic(OTHER)).get(0));
        }
    }

    /** A Paho client that records what it receives per topic. */
    static final class Client implements AutoCloseable {
        final MqttAsyncClient paho;
        final Map<String, List<byte[]>> received = new ConcurrentHashMap<>();

        private Client(String url, String clientId, String user, String password) throws MqttException {
            paho = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            paho.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(message.getPayload());
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            paho.connect(o).waitForCompletion(WAIT_MS);
        }

        /** A box on the lab listener, with a password issued for it now. */
        static Client box(String url, String unit) throws MqttException {
            return new Client(url, unit, unit, LabPasswords.issue(passwords, unit));
        }

        static Client manager(String url, String secret) throws MqttException {
            return new Client(url, "egov-manager-test", InternalClientGate.INTERNAL_USER, secret);
        }

        static Client user(String url, String clientId, String user, String password) throws MqttException {
            return new Client(url, clientId, user, password);
        }

        /** The granted QoS, or 0x80 when refused. */
        int subscribe(String filter) throws MqttException {
            IMqttToken t = paho.subscribe(filter, 1);
            t.waitForCompletion(WAIT_MS);
            return t.getGrantedQos()[0];
        }

        void publishRetained(String topic, String text) throws MqttException {
            MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            m.setRetained(true);
            paho.publish(topic, m).waitForCompletion(WAIT_MS);
        }

        /** A publish the broker refuses: it may drop the connection instead of acknowledging. */
        void tryPublishRetained(String topic, String text) {
            try {
                if (paho.isConnected()) {
                    MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
                    m.setQos(1);
                    m.setRetained(true);
                    paho.publish(topic, m).waitForCompletion(5_000);
                }
            } catch (MqttException e) {
                // refused: the broker closed the connection or the ack never came
            }
        }

        @Override
        public void close() throws MqttException {
            if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(WAIT_MS);
            }
            paho.close(true);
        }
    }
}
