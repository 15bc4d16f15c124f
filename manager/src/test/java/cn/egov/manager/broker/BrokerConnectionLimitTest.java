package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.egov.manager.support.Poll;
import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener holds at most its bound of connections: one more is closed before its CONNECT is
 * read, and is let in once a connection has gone (a flood of sockets holds bounded memory).
 */
class BrokerConnectionLimitTest {

    private static final int BOUND = 2;

    @TempDir
    Path dir;

    @Test
    void oneConnectionBeyondTheBoundIsClosedAndLetInWhenOneHasGone() throws Exception {
        try (ArtemisBroker b = PlainLabBroker.start(dir, broker -> broker.maxConnections(BOUND, BOUND))) {
            assertEquals(BOUND, b.maxConnections(Listener.PLAIN));
            MqttClient first = PlainLabBroker.connect(b.plainUrl(), "130602-001", true);
            MqttClient second = PlainLabBroker.connect(b.plainUrl(), "130602-002", true);
            Poll.until("two connections counted", 60_000, () -> b.connections(Listener.PLAIN) == BOUND);

            MqttClient third = new MqttClient(b.plainUrl(), "130602-003", new MemoryPersistence());
            assertThrows(MqttException.class, () -> third.connect(PlainLabBroker.options("130602-003", true)), "closed at the bound");
            assertEquals(BOUND, b.connections(Listener.PLAIN));

            first.disconnect();
            first.close();
            Poll.until("the first connection gone", 60_000, () -> b.connections(Listener.PLAIN) == BOUND - 1);
            third.connect(PlainLabBroker.options("130602-003", true));
            assertEquals(BOUND, b.connections(Listener.PLAIN));
            third.disconnect();
            third.close();
            second.disconnect();
            second.close();
        }
    }
}
