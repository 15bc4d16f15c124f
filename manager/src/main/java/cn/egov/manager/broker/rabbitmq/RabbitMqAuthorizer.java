package cn.egov.manager.broker.rabbitmq;

import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.broker.UnitAdmission;
import cn.egov.manager.broker.Verdict;
import cn.egov.rules.unit.UnitCode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The answers of RabbitMQ's HTTP auth backend ({@code rabbitmq_auth_backend_http} 3.10, used for
 * authorisation only: {@code auth_backends.1.authn = internal}, {@code auth_backends.1.authz = http}),
 * so that a box on RabbitMQ is judged as on the embedded broker:
 *
 * <table>
 *   <caption>what each path allows</caption>
 *   <tr><th>path (query parameters)</th><th>the managers' user</th><th>a box (user = unit code)</th></tr>
 *   <tr><td>user ({@code username}, {@code password} unless a certificate login, {@code client_id} with a password)</td>
 *       <td>allow</td><td>the unit is admitted ({@link UnitAdmission}: province, plan in force, a good certificate
 *       in the CA register), and a given client id is the unit</td></tr>
 *   <tr><td>vhost ({@code username}, {@code vhost}, {@code ip}, {@code client_id}: the MQTT plugin always sends it)</td>
 *       <td>the vhost</td><td>the vhost, client id = unit (also for certificate logins), admitted again</td></tr>
 *   <tr><td>resource ({@code resource}, {@code name}, {@code permission})</td>
 *       <td>exchange amq.topic (read, write), its queue (all)</td>
 *       <td>exchange amq.topic (read, write), its own MQTT session queues {@code mqtt-subscription-<unit>qos0|1} (all)</td></tr>
 *   <tr><td>topic ({@code name}, {@code permission}, {@code routing_key}, {@code variable_map.client_id})</td>
 *       <td>allow (it publishes to every box)</td><td>{@link TopicAcl}, on the topic of the routing key</td></tr>
 * </table>
 * The management user ({@code broker.rabbitmq.management.username}) may log in (user path) and nothing else: it
 * only lists and closes connections. Anyone else is denied everything.
 *
 * <p>RabbitMQ 3.10's MQTT plugin turns {@code /} into {@code .} and {@code +} into {@code *} and keeps a
 * {@code .} inside a level; for the ACL every {@code .} is read as a level separator, the stricter reading:
 * {@code $EDC.hebei.U.app.GET.x} is a control request whether the box wrote {@code GET/x} or {@code GET.x}.
 */
public final class RabbitMqAuthorizer {

    /** The exchange of the MQTT plugin. */
    static final String EXCHANGE = "amq.topic";

    private final String managerUser;
    private final String managementUser;
    private final String vhost;
    private final String queue;
    private final TopicAcl acl;
    private final UnitAdmission units;

    /** One answer: allowed, or why not (logged, never sent to RabbitMQ). */
    public record Decision(boolean allowed, String why) {
        static final Decision ALLOW = new Decision(true, "");

        static Decision deny(String why) {
            return new Decision(false, why);
        }
    }

    /**
     * @param managerUser    the managers' AMQP user ({@code broker.username})
     * @param managementUser the user that closes connections, or empty for none
     * @param vhost          {@code broker.amqp.vhost}
     * @param queue          the ingest queue ({@code ingest.amqp.queue})
     * @param units          who may be a box at all (province, plan, CA register)
     */
    public RabbitMqAuthorizer(String managerUser, String managementUser, String vhost, String queue, TopicAcl acl, UnitAdmission units) {
        this.managerUser = requireName(managerUser, "manager user");
        this.managementUser = Objects.requireNonNull(managementUser, "managementUser");
        this.vhost = Objects.requireNonNull(vhost, "vhost");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.acl = Objects.requireNonNull(acl, "acl");
        this.units = Objects.requireNonNull(units, "units");
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        return name;
    }

    /** {@code user_path}: may this user log in at all. */
    public Decision user(Map<String, String> q) {
        String user = q.getOrDefault("username", "");
        if (user.equals(managerUser) || !managementUser.isEmpty() && user.equals(managementUser)) {
            return Decision.ALLOW;
        }
        if (!UnitCode.isValid(user)) {
            return Decision.deny("user '" + user + "' is neither a unit code nor the managers' user");
        }
        String clientId = q.get("client_id");
        if (clientId != null && !clientId.equals(user)) {
            return clientIdMismatch(clientId, user);
        }
        return admitted(user);
    }

    /** {@code vhost_path}: the MQTT plugin sends the client id here for every login, certificate ones too. */
    public Decision vhost(Map<String, String> q) {
        String user = q.getOrDefault("username", "");
        if (!vhost.equals(q.get("vhost"))) {
            return Decision.deny("virtual host '" + q.get("vhost") + "' is not " + vhost);
        }
        if (user.equals(managerUser)) {
            return Decision.ALLOW;
        }
        if (!UnitCode.isValid(user)) {
            return Decision.deny("user '" + user + "' may not open the virtual host");
        }
        String clientId = q.get("client_id");
        if (clientId == null) {
            return Decision.deny("unit " + user + " connected without an MQTT client id (a box speaks MQTT only)");
        }
        return clientId.equals(user) ? admitted(user) : clientIdMismatch(clientId, user);
    }

    /** {@code resource_path}: exchanges and queues. */
    public Decision resource(Map<String, String> q) {
        String user = q.getOrDefault("username", "");
        String kind = q.getOrDefault("resource", "");
        String name = q.getOrDefault("name", "");
        String permission = q.getOrDefault("permission", "");
        if (!vhost.equals(q.get("vhost"))) {
            return Decision.deny("virtual host '" + q.get("vhost") + "' is not " + vhost);
        }
        boolean topicExchange = kind.equals("exchange") && name.equals(EXCHANGE) && Set.of("read", "write").contains(permission);
        if (user.equals(managerUser)) {
            return topicExchange || kind.equals("queue") && name.equals(queue) ? Decision.ALLOW
                    : Decision.deny("the managers' user may use amq.topic and " + queue + " only, not " + kind + " " + name);
        }
        if (UnitCode.isValid(user) && (topicExchange
                || kind.equals("queue") && (name.equals(sessionQueue(user, 0)) || name.equals(sessionQueue(user, 1))))) {
            return Decision.ALLOW;
        }
        return Decision.deny("user '" + user + "' may not " + permission + " " + kind + " " + name);
    }

    /** {@code topic_path}: publishing and subscribing on amq.topic, by routing key. */
    public Decision topic(Map<String, String> q) {
        String user = q.getOrDefault("username", "");
        if (user.equals(managerUser)) {
            return Decision.ALLOW;
        }
        String key = q.getOrDefault("routing_key", "");
        String clientId = q.get("variable_map.client_id");
        if (!UnitCode.isValid(user) || !user.equals(clientId) || !EXCHANGE.equals(q.get("name")) || !vhost.equals(q.get("vhost"))) {
            return Decision.deny("user '" + user + "' (client id '" + clientId + "') may not use topic " + key + " of " + q.get("name"));
        }
        String topic = key.replace('.', '/').replace('*', '+');
        boolean ok = switch (q.getOrDefault("permission", "")) {
            case "write" -> acl.mayPublish(user, topic);
            case "read" -> acl.maySubscribe(user, topic);
            default -> false;
        };
        return ok ? Decision.ALLOW : Decision.deny("unit " + user + " may not " + q.get("permission") + " " + topic);
    }

    /** The queue of an MQTT session of {@code clientId} at {@code qos} (rabbit_mqtt_util:subcription_queue_name). */
    static String sessionQueue(String clientId, int qos) {
        return "mqtt-subscription-" + clientId + "qos" + qos;
    }

    private Decision admitted(String unit) {
        Optional<Verdict.Refused> refused = units.check(unit);
        return refused.map(r -> Decision.deny(r.reason().label + ": " + r.detail())).orElse(Decision.ALLOW);
    }

    private static Decision clientIdMismatch(String clientId, String unit) {
        return Decision.deny(ConnectRefusal.CLIENT_ID_MISMATCH.label + ": client id '" + clientId + "' is not the unit it logged in as (" + unit + ")");
    }
}
