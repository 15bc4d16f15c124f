package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.telemetry.Alarm;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.HubLink;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.transport.OutboxHubLink;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A box's exchange as it runs on a box, minus OSGi: the real telemetry stack (durable SQLite outbox,
 * Paho to the broker, control-channel subscriptions) and the real {@link ExchangeService} with its
 * SQLite store. {@link #connect} points it at a broker; {@link #disconnect} cuts the backbone (the
 * outbox keeps queuing on disk).
 */
final class ExchangeBox implements AutoCloseable {

    static final String UNREACHABLE = "tcp://127.0.0.1:9";
    final String id;
    final Path dir;
    final ExchangeService service;
    final ExchangeStore store;
    private final String password;
    private volatile TelemetryRuntime telemetry;

    /** @param password the box's password on the manager's lab listener ({@code ManagerFixture.labPassword}) */
    ExchangeBox(String id, Path dir, List<LocalUnit> units, TrustAnchors trust, String brokerUrl, String password) throws Exception {
        this.id = id;
        this.password = password;
        this.dir = dir;
        this.store = ExchangeStore.open(dir.resolve("exchange.db"));
        HubLink link = new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                new OutboxHubLink(telemetry.publisher()).sendAll(messages); // the telemetry of the moment (connect() replaces it)
            }

            @Override
            public void alarm(Alarm alarm) {
                telemetry.publisher().alarm(alarm);
            }
        };
        connect(brokerUrl);
        this.service = new ExchangeService(id, new ExchangeSettings(20L << 20, Duration.ofDays(30), 5000, Duration.ofSeconds(1),
                Duration.ofDays(3)), store, units, trust, link, Clock.systemUTC()).start();
        subscribe();
    }

    synchronized void connect(String brokerUrl) {
        if (telemetry != null) {
            telemetry.close();
        }
        MqttSettings mqtt = new MqttSettings(brokerUrl, MqttSettings.DEFAULT_ACCOUNT, id, password.toCharArray(),
                Duration.ofMillis(100), Duration.ofSeconds(1), 100, MqttSettings.DEFAULT_KEEP_ALIVE, null);
        telemetry = TelemetryRuntime.start(new BoxIdentity(UnitCode.parse(id), "SN-" + id, id),
                new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 100_000), Duration.ofMinutes(10)), "none");
        if (service != null) {
            subscribe();
        }
    }

    void disconnect() {
        connect(UNREACHABLE);
    }

    private void subscribe() {
        for (String r : List.of(ExchangeWire.PUT_DOC, ExchangeWire.PUT_NOTICE, ExchangeWire.PUT_DIRECTORY)) {
            telemetry.mqtt().subscribe(ExchangeWire.APP_ID, r, (topic, payload) -> service.onHubMessage(r, payload));
        }
    }

    /** Queues a message of another service of the box in the same outbox (as the duty bundle queues its reports). */
    void publish(String appId, String resource, cn.egov.api.payload.KuraPayload payload, int priority) {
        telemetry.publisher().publish(appId, resource, payload, priority);
    }

    long outboxDepth() {
        return telemetry.outbox().stats().depth();
    }

    @Override
    public void close() throws Exception {
        service.close();
        telemetry.close();
        store.close();
    }
}
