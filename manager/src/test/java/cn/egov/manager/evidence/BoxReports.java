package cn.egov.manager.evidence;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.support.SimulatedBox;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttException;

/** What a box's capabilities publish, sent by a {@link SimulatedBox} over MQTT with message ids of its own. */
public final class BoxReports {

    private final SimulatedBox box;
    private final String epoch = "reports-" + UUID.randomUUID();
    private long seq;

    public BoxReports(SimulatedBox box) {
        this.box = box;
    }

    /** BIRTH with this display name (the name the fleet shows when the plan names no unit). */
    public BoxReports birth(String displayName) throws MqttException {
        return send(KuraTopic.birth(SimulatedBox.ACCOUNT, box.clientId()).toString(), KuraPayload.builder()
                .timestamp(System.currentTimeMillis()).metric(BoxMetrics.UNIT_CODE, box.clientId())
                .metric(BoxMetrics.DISPLAY_NAME, displayName).metric(BoxMetrics.HEALTH_INTERVAL_S, 60));
    }

    public BoxReports telemetry(String app, String resource, Map<String, ?> metrics) throws MqttException {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(System.currentTimeMillis());
        metrics.forEach((k, v) -> b.metric(k, v instanceof Integer i ? (Object) (long) i : v));
        return send(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), app, resource).toString(), b);
    }

    public BoxReports alarm(String kind, Alarm.Severity severity, String message, Map<String, String> evidence) throws MqttException {
        KuraPayload p = new Alarm(kind, severity, kind.substring(0, kind.indexOf('.')), message, evidence, System.currentTimeMillis()).toPayload();
        KuraPayload.Builder b = KuraPayload.builder().timestamp(p.timestamp());
        p.metrics().forEach(b::metric);
        return send(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), Alarm.APP_ID, kind).toString(), b);
    }

    private BoxReports send(String topic, KuraPayload.Builder b) throws MqttException {
        box.publish(topic, KuraPayloadCodec.encode(b.metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq++).build()));
        box.flush();
        return this;
    }
}
