package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neither a box nor a NOC client reaches the set-aside queues ($egov.dead-letter, $egov.expired):
 * no topic filter, wildcard or shared subscription is granted, and a publish there lands nowhere.
 */
class SetAsideReachTest {

    private static final String BOX = "130105-001";
    private static final String NOC = "noc-operator";
    private static final List<String> FILTERS = List.of("#", "+/#", "$egov/#", "$egov/dead-letter", "$egov/expired", "$egov/+",
            "$share/g/$egov/dead-letter", "$share/g/#", "$share/$egov/dead-letter", "$share/hebei/#");

    @TempDir
    Path dir;

    private static Verdict gate(Listener listener, ClientCredentials c) {
        if (c.clientId() != null && UnitCode.isValid(c.clientId())) {
            return Verdict.accept(ClientRole.BOX, c.clientId());
        }
        return NOC.equals(c.clientId()) ? Verdict.accept(ClientRole.NOC, NOC) : Verdict.accept(ClientRole.MANAGER, String.valueOf(c.clientId()));
    }

    @Test
    void noBoxOrNocFilterIsGrantedOnTheSetAsideQueues() throws Exception {
        try (ArtemisBroker b = new ArtemisBroker(dir, 64L << 20, new TopicAcl("hebei"), SetAsideReachTest::gate, new RefusalLog(r -> { }))
                .listenPlain("127.0.0.1", 0)) {
            b.start();
            b.open();
            for (String client : List.of(BOX, NOC)) {
                MqttAsyncClient c = new MqttAsyncClient(b.plainUrl(), client, new MemoryPersistence());
                c.connect(PlainLabBroker.options(client, true)).waitForCompletion(60_000);
                for (String filter : FILTERS) {
                    IMqttToken t = c.subscribe(filter, 1);
                    t.waitForCompletion(60_000);
                    assertEquals(128, t.getGrantedQos()[0], client + " was granted '" + filter + "'");
                }
                c.disconnect().waitForCompletion(60_000);
                c.close();
            }
            long before = b.aclRefusals();
            for (String topic : List.of("$egov/dead-letter", "$egov/expired")) {
                MqttClient box = PlainLabBroker.connect(b.plainUrl(), BOX, true);
                try {
                    box.publish(topic, "fake".getBytes(StandardCharsets.UTF_8), 1, false);
                } catch (MqttException refused) {
                    // the broker closes the connection of a refused publish
                } finally {
                    box.close(true);
                }
            }
            assertEquals(before + 2, b.aclRefusals(), "both publishes were refused");
            assertEquals(new ArtemisBroker.SetAsideCount(0, 0), b.setAside(ArtemisBroker.SetAside.DEAD_LETTER));
            assertEquals(new ArtemisBroker.SetAsideCount(0, 0), b.setAside(ArtemisBroker.SetAside.EXPIRED));
        }
    }
}
