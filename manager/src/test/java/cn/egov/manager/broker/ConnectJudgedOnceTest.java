package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection is judged once, at its CONNECT: Artemis asks for the identity again at every PUBLISH
 * and address creation, and judging again cost a PBKDF2 of the password (or a CA-register lookup)
 * per message, most of the CPU of a reconnect storm. A new connection is judged again.
 */
class ConnectJudgedOnceTest {

    private static final String BOX = "130105-002";
    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    private final Map<String, AtomicInteger> decisions = new ConcurrentHashMap<>();

    private Verdict gate(Listener listener, ClientCredentials c) {
        decisions.computeIfAbsent(String.valueOf(c.clientId()), k -> new AtomicInteger()).incrementAndGet();
        return c.clientId() != null && UnitCode.isValid(c.clientId())
                ? Verdict.accept(ClientRole.BOX, c.clientId()) : Verdict.accept(ClientRole.MANAGER, String.valueOf(c.clientId()));
    }

    private static MqttClient connect(String url) throws Exception {
        MqttClient c = new MqttClient(url, BOX, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(BOX);
        o.setPassword("unused".toCharArray());
        c.connect(o);
        return c;
    }

    @Test
    void publishesOfAConnectionAreNotJudgedAgainButANewConnectionIs() throws Exception {
        try (ArtemisBroker b = new ArtemisBroker(dir, 64L << 20, new TopicAcl("hebei"), this::gate, new RefusalLog(r -> { }))
                .listenPlain("127.0.0.1", 0)) {
            b.start();
            b.open();
            MqttClient box = connect(b.plainUrl());
            for (int i = 0; i < MESSAGES; i++) {
                // two topics: the first publish on each also creates its address
                String topic = "hebei/" + BOX + (i % 2 == 0 ? "/HEALTH/status" : "/ALARM/x");
                box.publish(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false); // returns on the PUBACK
            }
            box.disconnect();
            box.close();
            assertEquals(1, decisions.get(BOX).get(), "judged once for one connection and " + MESSAGES + " publishes");
            MqttClient again = connect(b.plainUrl());
            again.publish("hebei/" + BOX + "/HEALTH/status", "n".getBytes(StandardCharsets.UTF_8), 1, false);
            again.disconnect();
            again.close();
            assertEquals(2, decisions.get(BOX).get(), "a new connection is judged again");
        }
    }
}
