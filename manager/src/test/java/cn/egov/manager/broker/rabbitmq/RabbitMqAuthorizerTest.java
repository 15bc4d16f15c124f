package cn.egov.manager.broker.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.TopicAcl;
import cn.egov.manager.broker.Verdict;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The answers to RabbitMQ's HTTP auth backend, parameter by parameter as RabbitMQ 3.10 sends them. */
class RabbitMqAuthorizerTest {

    private static final String BOX = "130602-001";
    private static final String OTHER = "130602-002";
    private static final String REVOKED = "130602-003";

    private final RabbitMqAuthorizer auth = new RabbitMqAuthorizer("egov-manager", "egov-admin", "/", "egov-manager-ingest",
            new TopicAcl("hebei"), unit -> unit.equals(REVOKED)
                    ? Optional.of(new Verdict.Refused(ConnectRefusal.BAD_CREDENTIALS, "every box certificate of " + unit + " is revoked"))
                    : Optional.empty());

    @Test
    void aBoxLogsInUnderItsOwnClientIdOnlyAndARevokedUnitNotAtAll() {
        assertTrue(auth.user(q("username", BOX, "password", "x", "vhost", "/", "client_id", BOX)).allowed());
        assertTrue(auth.user(q("username", BOX)).allowed(), "a certificate login: no password, no client id at user_path");
        assertFalse(auth.user(q("username", BOX, "password", "x", "client_id", OTHER)).allowed());
        assertTrue(auth.vhost(q("username", BOX, "vhost", "/", "ip", "127.0.0.1", "client_id", BOX)).allowed());
        assertFalse(auth.vhost(q("username", BOX, "vhost", "/", "client_id", OTHER)).allowed(), "another box's client id");
        assertFalse(auth.vhost(q("username", BOX, "vhost", "/")).allowed(), "a box over AMQP: no client id");
        assertFalse(auth.vhost(q("username", BOX, "vhost", "other", "client_id", BOX)).allowed());
        RabbitMqAuthorizer.Decision revoked = auth.user(q("username", REVOKED));
        assertFalse(revoked.allowed());
        assertEquals("bad-credentials: every box certificate of 130602-003 is revoked", revoked.why());
        assertFalse(auth.vhost(q("username", REVOKED, "vhost", "/", "client_id", REVOKED)).allowed());
        assertFalse(auth.user(q("username", "guest", "password", "guest")).allowed());
        assertTrue(auth.user(q("username", "egov-admin", "password", "x")).allowed(), "the management user logs in");
        assertFalse(auth.vhost(q("username", "egov-admin", "vhost", "/")).allowed(), "and opens nothing");
    }

    @Test
    void resourcesAreTheTopicExchangeAndOwnQueuesOnly() {
        assertTrue(resource(BOX, "exchange", "amq.topic", "write"));
        assertTrue(resource(BOX, "queue", "mqtt-subscription-130602-001qos1", "configure"));
        assertFalse(resource(BOX, "queue", "mqtt-subscription-130602-002qos1", "read"), "another box's session");
        assertFalse(resource(BOX, "queue", "egov-manager-ingest", "read"));
        assertFalse(resource(BOX, "exchange", "amq.topic", "configure"));
        assertTrue(resource("egov-manager", "queue", "egov-manager-ingest", "configure"));
        assertTrue(resource("egov-manager", "exchange", "amq.topic", "read"));
        assertFalse(resource("egov-manager", "queue", "mqtt-subscription-130602-001qos1", "read"));
        assertFalse(resource("egov-admin", "exchange", "amq.topic", "read"));
    }

    @Test
    void topicsFollowTheEmbeddedBrokersAclWithEveryDotALevel() {
        assertTrue(topic(BOX, BOX, "write", "hebei.130602-001.HEALTH.status"));
        assertTrue(topic(BOX, BOX, "write", "$EDC.hebei.130602-001.MQTT.BIRTH"));
        assertFalse(topic(BOX, BOX, "write", "hebei.130602-002.HEALTH.status"), "another unit's topic");
        assertFalse(topic(BOX, BOX, "write", "$EDC.hebei.130602-001.POLICY-V1.EXEC.apply"), "its own control request");
        assertFalse(topic(BOX, BOX, "write", "$EDC.hebei.130602-001.POLICY-V1.EXEC"), "GET.x or GET/x: a request either way");
        assertTrue(topic(BOX, BOX, "read", "$EDC.hebei.130602-001.#"));
        assertFalse(topic(BOX, BOX, "read", "$EDC.hebei.*.#"), "a wildcard over units");
        assertFalse(topic(BOX, OTHER, "write", "hebei.130602-001.HEALTH.status"), "a client id that is not the user");
        assertTrue(topic("egov-manager", null, "write", "$EDC.hebei.130602-001.POLICY-V1.EXEC.apply"));
    }

    private boolean resource(String user, String kind, String name, String permission) {
        return auth.resource(q("username", user, "vhost", "/", "resource", kind, "name", name, "permission", permission)).allowed();
    }

    private boolean topic(String user, String clientId, String permission, String key) {
        Map<String, String> p = q("username", user, "vhost", "/", "resource", "topic", "name", "amq.topic", "permission", permission,
                "routing_key", key, "variable_map.username", user, "variable_map.vhost", "/");
        if (clientId != null) {
            p.put("variable_map.client_id", clientId);
        }
        return auth.topic(p).allowed();
    }

    private static Map<String, String> q(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
