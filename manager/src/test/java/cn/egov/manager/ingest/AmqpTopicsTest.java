package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Topics ↔ the routing keys RabbitMQ 3.10's MQTT plugin makes of them ({@code to_amqp}: '/' → '.', '+' → '*'). */
class AmqpTopicsTest {

    @Test
    void theManagersFiltersBecomeTheQueuesBindings() {
        assertEquals(List.of("$EDC.hebei.*.MQTT.*", "hebei.*.#"), AmqpTopics.bindings("hebei"));
    }

    @Test
    void everyTopicABoxSendsComesBackAsItWasSent() {
        for (String topic : List.of("hebei/130602-001/HEALTH/status", "$EDC/hebei/130602-001/MQTT/BIRTH",
                "$EDC/hebei/130602-001/MQTT/LWT", "hebei/130602-001/ALARM/pki.foreign-ca", "hebei/130602-001/ALARM/policy.drift.x",
                "hebei/130602-001/EXCHANGE/receipt", "hebei/130602-001/HEALTH")) {
            assertEquals(topic, AmqpTopics.toTopic(AmqpTopics.toRoutingKey(topic)), topic);
        }
    }

    @Test
    void shortOrForeignKeysBecomeTopicsTheDecoderRefuses() {
        assertEquals("hebei/130602-001", AmqpTopics.toTopic("hebei.130602-001"));
        assertEquals("other", AmqpTopics.toTopic("other"));
        // a level with a dot in the MQTT topic is a level of its own in AMQP: attributed by the routing key the ACL checked
        assertEquals("hebei/130602-001/x/y", AmqpTopics.toTopic(AmqpTopics.toRoutingKey("hebei/130602-001.x/y")));
    }

    @Test
    void outgoingControlTopicsUseThePluginsRoutingKeys() {
        assertEquals("$EDC.hebei.130602-001.POLICY.PUT.bundle", AmqpTopics.toRoutingKey("$EDC/hebei/130602-001/POLICY/PUT/bundle"));
        assertThrows(IllegalArgumentException.class, () -> AmqpTopics.requireNoDot("he.bei"));
    }
}
