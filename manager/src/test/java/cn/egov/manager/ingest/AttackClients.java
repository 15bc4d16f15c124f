package cn.egov.manager.ingest;

import cn.egov.manager.support.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The attacker's clients: Paho and Debian's mosquitto_pub. */
final class AttackClients {

    /** mosquitto_pub's exit code for a CONNECT answered "not authorised". */
    static final int REFUSED = 5;

    private AttackClients() {
    }

    /** Paho's reason code for a refused CONNECT, or 0 when it got in (then it stays a second, as a session thief would). */
    static int paho(String url, String clientId, String user, String password, SocketFactory tls) throws Exception {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            o.setConnectionTimeout(30);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            if (tls != null) {
                o.setSocketFactory(tls);
            }
            c.connect(o);
            Thread.sleep(1000);
            c.disconnect();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            c.close();
        }
    }

    /** mosquitto_pub of one QoS 1 message on the victim's health topic; the exit code. */
    static int pub(Path dir, int port, String clientId, String topic, List<String> login) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-i", clientId,
                "-t", topic, "-m", "forged", "-q", "1"));
        cmd.addAll(login);
        return Cli.run(dir, cmd).exit();
    }

    static List<String> certificate(cn.egov.manager.support.TlsBox box) {
        return List.of("--cafile", box.chainPem().toString(), "--cert", box.certPem().toString(), "--key", box.keyPem().toString());
    }
}
