package cn.egov.manager.support;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** A Paho callback that only notices a lost connection (the broker closed it, or the network did). */
public final class OnConnectionLost implements MqttCallback {

    private final Runnable action;

    public OnConnectionLost(Runnable action) {
        this.action = action;
    }

    @Override
    public void connectionLost(Throwable cause) {
        action.run();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
}
