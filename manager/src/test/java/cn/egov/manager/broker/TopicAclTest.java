package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicAclTest {

    private final TopicAcl acl = new TopicAcl("hebei");

    @Test
    void aBoxPublishesOnlyUnderItsOwnClientId() {
        assertTrue(acl.mayPublish("130602-001", "hebei/130602-001/HEALTH/status"));
        assertTrue(acl.mayPublish("130602-001", "$EDC/hebei/130602-001/MQTT/BIRTH"));
        assertFalse(acl.mayPublish("130602-001", "hebei/130602-002/HEALTH/status"));
        assertFalse(acl.mayPublish("130602-001", "$EDC/hebei/130602-002/MQTT/LWT"));
        assertFalse(acl.mayPublish("130602-001", "hebei/130602-0011/HEALTH/status"), "prefix of another id");
        assertFalse(acl.mayPublish("130602-001", "hebei/130602-001"), "the bare id level");
        assertFalse(acl.mayPublish("130602-001", "shanxi/130602-001/HEALTH/status"), "another account");
        assertFalse(acl.mayPublish("130602-001", "hebeix/130602-001/HEALTH/status"), "an account the account is a prefix of");
        assertFalse(acl.mayPublish("130602-001", "hebei/130602-001/"), "nothing after the id level");
        assertFalse(acl.mayPublish("130602-001", "$EDC/hebei/130602-001/"), "nothing after the id level (control)");
        assertFalse(acl.mayPublish("130602-001", "$EDChebei/130602-001/MQTT/BIRTH"), "the control prefix without its slash");
        assertFalse(acl.mayPublish("130602-001", "x/hebei/130602-001/HEALTH/status"), "the namespace not at the start");
        assertFalse(acl.mayPublish("130602-001", "hebei/130602-001x/HEALTH/status"), "an id the box's id is a prefix of");
    }

    @Test
    void clientIdsThatAreNotUnitCodesAndTheManagersIdArePlainClients() {
        assertFalse(acl.mayPublish("not-a-unit", "hebei/not-a-unit/HEALTH/status"));
        assertFalse(acl.mayPublish("egov-manager", "hebei/130602-001/POLICY/bundle"), "privilege comes from the authenticated user only");
        assertFalse(acl.mayPublish(null, "hebei/130602-001/HEALTH/status"));
    }

    @Test
    void aBoxNeverPublishesOnControlRequestTopicsNotEvenItsOwn() {
        assertFalse(acl.mayPublish("130602-001", "$EDC/hebei/130602-001/POLICY/PUT/bundle"), "its own policy topic");
        assertFalse(acl.mayPublish("130602-001", "$EDC/hebei/130602-002/POLICY/PUT/bundle"));
        for (String verb : new String[]{"GET", "PUT", "POST", "DEL", "EXEC"}) {
            assertFalse(acl.mayPublish("130602-001", "$EDC/hebei/130602-001/CONF/" + verb + "/x"), verb);
        }
        assertTrue(acl.mayPublish("130602-001", "$EDC/hebei/130602-001/MQTT/DC"), "lifecycle stays allowed");
        assertTrue(acl.mayPublish("130602-001", "hebei/130602-001/POLICY/PUT"), "telemetry namespace is not control");
    }

    @Test
    void aBoxSubscribesOnlyInsideItsOwnControlNamespace() {
        assertTrue(acl.maySubscribe("130602-001", "$EDC/hebei/130602-001/POLICY/PUT/bundle"));
        assertTrue(acl.maySubscribe("130602-001", "$EDC/hebei/130602-001/+/PUT/#"));
        assertFalse(acl.maySubscribe("130602-001", "$EDC/hebei/130602-002/POLICY/PUT/bundle"), "another unit");
        assertFalse(acl.maySubscribe("130602-001", "$EDC/hebei/+/POLICY/PUT/bundle"), "a wildcard over units");
        assertFalse(acl.maySubscribe("130602-001", "$EDC/hebei/#"));
        assertFalse(acl.maySubscribe("130602-001", "#"));
        assertFalse(acl.maySubscribe("130602-001", "hebei/130602-002/HEALTH/status"), "others' telemetry");
        assertFalse(acl.maySubscribe("130602-001", "hebei/130602-001/#"), "telemetry is not a control topic");
        assertFalse(acl.maySubscribe("130602-001", "$EDC/hebei/130602-0011/POLICY/PUT/bundle"), "prefix of another id");
        assertFalse(acl.maySubscribe("not-a-unit", "$EDC/hebei/not-a-unit/POLICY/PUT/bundle"));
    }
}
