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
    }

    @Test
    void clientIdsThatAreNotUnitCodesAndTheManagersIdArePlainClients() {
        assertFalse(acl.mayPublish("not-a-unit", "hebei/not-a-unit/HEALTH/status"));
        assertFalse(acl.mayPublish("egov-manager", "hebei/130602-001/POLICY/bundle"), "privilege comes from the authenticated user only");
        assertFalse(acl.mayPublish(null, "hebei/130602-001/HEALTH/status"));
    }
}
