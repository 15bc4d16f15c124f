package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.Poll;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box's MQTT 3.1.1 PUBLISH larger than {@code broker.max-packet-bytes} is refused before the
 * broker reads it (Artemis alone reads up to 256 MB into memory): the connection is closed, the
 * packet counted and told to the alarm path; a publish within the bound goes through.
 */
class BrokerPacketLimitTest {

    private static final String BOX = "130602-001";
    private static final String TOPIC = "hebei/" + BOX + "/TEST/size";
    /** Topic and packet id in the packet besides the payload. */
    private static final int HEADER_ROOM = 1024;

    @TempDir
    Path dir;

    @Test
    void aPublishOverTheBoundClosesTheConnectionUnreadAndIsCounted() throws Exception {
        List<OversizePacket> told = new CopyOnWriteArrayList<>();
        try (ArtemisBroker b = PlainLabBroker.start(dir, broker -> broker.maxPacketBytes(ArtemisBroker.DEFAULT_MAX_PACKET_BYTES, told::add))) {
            MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            box.publish(TOPIC, new byte[ArtemisBroker.DEFAULT_MAX_PACKET_BYTES - HEADER_ROOM], 1, false);
            assertEquals(0, b.oversizePackets(), "within the bound: taken");

            assertThrows(MqttException.class, () -> box.publish(TOPIC, new byte[ArtemisBroker.DEFAULT_MAX_PACKET_BYTES + 1], 1, false));
            Poll.until("the broker counts the packet over the bound", 60_000, () -> b.oversizePackets() == 1);
            Poll.until("the broker closes the box's connection", 60_000, () -> !box.isConnected());
            assertEquals(1, told.size(), "told once: " + told);
            assertEquals(Listener.PLAIN.domain, told.get(0).listener());
            assertTrue(told.get(0).detail().contains("exceeds " + ArtemisBroker.DEFAULT_MAX_PACKET_BYTES), told.get(0).detail());
            box.close();

            MqttClient again = PlainLabBroker.connect(b.plainUrl(), BOX, true);
            again.publish(TOPIC, new byte[] {1}, 1, false);
            assertFalse(b.oversizePackets() > 1, "the box connects and publishes again");
            again.disconnect();
            again.close();
        }
    }
}
