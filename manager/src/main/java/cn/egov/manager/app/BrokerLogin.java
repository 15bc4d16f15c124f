package cn.egov.manager.app;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * How a part of the manager opens an MQTT connection of its own to the broker the manager uses
 * (the embedded broker's internal login, or the external broker's credentials).
 */
public record BrokerLogin(String url, String username, String password) {

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
