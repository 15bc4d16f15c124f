package cn.egov.manager.ingest;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * How a part of the manager opens an MQTT connection of its own to the broker the manager uses:
 * the embedded broker's internal listener with the manager's secret, or the external broker's URL
 * and credentials.
 *
 * @param url      {@code tcp://127.0.0.1:PORT}
 * @param username user name, or empty
 * @param password password, or empty
 */
public record BrokerLogin(String url, String username, String password) {

    @Override
    public String toString() {
        return "BrokerLogin[" + url + ", " + username + "]"; // never the secret
    }

    public MqttConnectOptions options(boolean cleanSession, int maxInflight) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(true);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMaxInflight(maxInflight);
        if (username != null && !username.isEmpty()) {
            o.setUserName(username);
            o.setPassword(password.toCharArray());
        }
        return o;
    }
}
