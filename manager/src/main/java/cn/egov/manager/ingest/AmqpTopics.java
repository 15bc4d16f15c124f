package cn.egov.manager.ingest;

import cn.egov.api.topic.KuraTopic;
import java.util.List;

/**
 * MQTT topics and the AMQP routing keys RabbitMQ's MQTT plugin gives them on {@code amq.topic}.
 *
 * <p>RabbitMQ 3.10 ({@code rabbit_mqtt_util:to_amqp/1}) turns every {@code /} into {@code .} and
 * {@code +} into {@code *} (filters); a {@code .} inside a level stays {@code .}. So
 * {@code hebei/130602-001/ALARM/pki.foreign-ca} and {@code hebei/130602-001/ALARM/pki/foreign-ca}
 * have the same routing key, and the plugin's own way back ({@code to_mqtt}: every {@code .} a
 * {@code /}) would give the first box alarm a kind it never sent. The way back here uses the Kura
 * layout instead: {@code [$EDC.]<account>.<client-id>.<app-id>} are levels (a unit code, an account
 * ({@link #requireNoDot}) and an application id carry no dot), and the rest is the resource, kept
 * as it came. Every topic a box sends has a one-level resource (an alarm kind may hold dots), so
 * for all of them this gives back exactly the topic the box published. A resource of several
 * levels would come back with {@code .} between them.
 */
public final class AmqpTopics {

    /** The exchange the MQTT plugin publishes to and the boxes' MQTT subscriptions are bound to. */
    public static final String EXCHANGE = "amq.topic";

    private AmqpTopics() {
    }

    /** The routing key of an MQTT topic or filter, as the plugin makes it. */
    public static String toRoutingKey(String mqtt) {
        return mqtt.replace('/', '.').replace('+', '*');
    }

    /** The binding keys of {@link MqttIngestClient#subscriptions}: what the manager ingests. */
    public static List<String> bindings(String account) {
        return MqttIngestClient.subscriptions(account).stream().map(AmqpTopics::toRoutingKey).toList();
    }

    /** The MQTT topic a box published, from the routing key of its message (see the class comment). */
    public static String toTopic(String routingKey) {
        boolean control = routingKey.startsWith(KuraTopic.CONTROL_PREFIX + ".");
        int start = control ? KuraTopic.CONTROL_PREFIX.length() + 1 : 0;
        int at = start;
        for (int level = 0; level < 3; level++) { // account, client id, application id
            int dot = routingKey.indexOf('.', at);
            if (dot < 0) {
                return routingKey.replace('.', '/'); // too short for a Kura topic: the decoder says bad-topic
            }
            at = dot + 1;
        }
        return routingKey.substring(0, at).replace('.', '/') + routingKey.substring(at);
    }

    /** The account is a routing-key level: a dot would split it in two. */
    public static String requireNoDot(String account) {
        if (account.contains(".")) {
            throw new IllegalArgumentException("account '" + account + "' contains '.', which RabbitMQ's MQTT plugin makes a level separator");
        }
        return account;
    }
}
