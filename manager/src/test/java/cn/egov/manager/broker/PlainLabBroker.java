package cn.egov.manager.broker;

import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The embedded broker with its plain lab listener for tests about sessions and delivery, not
 * identity: boxes are admitted by unit code, everyone else as the manager.
 */
final class PlainLabBroker {

    private PlainLabBroker() {
    }

    private static Verdict gate(Listener listener, ClientCredentials c) {
        return c.clientId() != null && UnitCode.isValid(c.clientId())
                ? Verdict.accept(ClientRole.BOX, c.clientId()) : Verdict.accept(ClientRole.MANAGER, String.valueOf(c.clientId()));
    }

    /** Started and open, its data under {@code dir}. */
    static ArtemisBroker start(Path dir) throws Exception {
        return start(dir, b -> b);
    }

    /** Started and open, its data under {@code dir}, with {@code settings} applied before it starts. */
    static ArtemisBroker start(Path dir, UnaryOperator<ArtemisBroker> settings) throws Exception {
        ArtemisBroker b = settings.apply(new ArtemisBroker(dir, 64L << 20, new TopicAcl("hebei"), PlainLabBroker::gate,
                new RefusalLog(r -> { })).listenPlain("127.0.0.1", 0));
        b.start();
        b.open();
        return b;
    }

    /** Connected with the client id as user name (the gate ignores the password). */
    static MqttClient connect(String url, String clientId, boolean cleanSession) throws Exception {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        c.connect(options(clientId, cleanSession));
        return c;
    }

    static MqttConnectOptions options(String clientId, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setUserName(clientId);
        o.setPassword("unused".toCharArray());
        // a tight loop of synchronous publishes failed once on a loaded machine with Paho's "Too many
        // publishes in progress" (32202, default window 10): Paho's in-flight count lagged the PUBACKs.
        // The window is not what these tests are about
        o.setMaxInflight(2_000);
        return o;
    }
}
