package cn.egov.manager.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.api.policy.PolicySigning;
import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented Mosquitto ACL ({@code image/mosquitto/egov.acl}) keeps control topics the
 * manager's, as the embedded broker does: a box cannot subscribe to another unit's control topic,
 * and a box's publish on a control topic (even its own) never replaces the manager's retained policy.
 */
class MosquittoControlAclTest {

    private static final String BOX = "130602-001";
    private static final String OTHER = "130602-002";
    private static final long WAIT_MS = 30_000;

    @TempDir
    Path dir;

    private static String topic(String unit) {
        return PolicySigning.bundleTopic("hebei", unit).toString();
    }

    @Test
    void controlTopicsStayTheManagers() throws Exception {
        try (MosquittoProcess mosquitto = MosquittoProcess.start(dir.resolve("mosquitto"), List.of(BOX, OTHER))) {
            String url = mosquitto.url();
            try (ControlTopicAclTest.Client manager = ControlTopicAclTest.Client.user(url, "egov-manager-test",
                    MosquittoProcess.MANAGER_USER, MosquittoProcess.MANAGER_PASSWORD)) {
                manager.publishRetained(topic(OTHER), "for-002");
                manager.publishRetained(topic(BOX), "for-001");
            }
            try (ControlTopicAclTest.Client box = ControlTopicAclTest.Client.user(url, BOX, BOX, mosquitto.password(BOX))) {
                box.tryPublishRetained(topic(BOX), "forged by the box");
                box.tryPublishRetained(topic(OTHER), "forged for another unit");
                box.tryPublishRetained("$EDC/hebei/" + BOX + "/CONF/EXEC/reboot", "forged request");
            }
            try (ControlTopicAclTest.Client box = ControlTopicAclTest.Client.user(url, BOX, BOX, mosquitto.password(BOX))) {
                // Mosquitto 2.0 grants the SUBACK and filters each message by the read ACL instead
                box.subscribe(topic(OTHER));
                box.subscribe("$EDC/hebei/+/POLICY/PUT/bundle");
                assertEquals(1, box.subscribe(topic(BOX)));
                Poll.until("own retained bundle", WAIT_MS, () -> box.received.containsKey(topic(BOX)));
                try (ControlTopicAclTest.Client manager = ControlTopicAclTest.Client.user(url, "egov-manager-test",
                        MosquittoProcess.MANAGER_USER, MosquittoProcess.MANAGER_PASSWORD)) {
                    // in this order from one connection: were the other unit's deliverable, it would arrive first
                    manager.publishRetained(topic(OTHER), "new-for-002");
                    manager.publishRetained(topic(BOX), "new-for-001");
                }
                Poll.until("the box's new message", WAIT_MS, () -> box.received.get(topic(BOX)).size() >= 2);
                assertArrayEquals("for-001".getBytes(StandardCharsets.UTF_8), box.received.get(topic(BOX)).get(0),
                        "the manager's retained policy, not the box's forgery");
                assertFalse(box.received.containsKey(topic(OTHER)), "another unit's control topic, retained or new: " + box.received.keySet());
            }
            try (ControlTopicAclTest.Client other = ControlTopicAclTest.Client.user(url, OTHER, OTHER, mosquitto.password(OTHER))) {
                assertEquals(1, other.subscribe(topic(OTHER)));
                Poll.until("retained bundle", WAIT_MS, () -> other.received.containsKey(topic(OTHER)));
                assertArrayEquals("new-for-002".getBytes(StandardCharsets.UTF_8), other.received.get(topic(OTHER)).get(0),
                        "the manager's newest retained message, not the forgery of 130602-001");
            }
        }
    }
}
