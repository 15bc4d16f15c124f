package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.Priority;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.HubLink;
import cn.egov.exchange.service.HubTransfer;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.transport.HttpsHubTransfer;
import cn.egov.exchange.transport.OutboxHubLink;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * A box's exchange as it runs on a box, minus OSGi: the real telemetry stack (durable SQLite outbox,
 * Paho to the broker, control-channel subscriptions), the real {@link ExchangeService} with its
 * SQLite store and the real HTTPS transfer to the hub's document server with a box certificate.
 * {@link #connect} points it at a broker; {@link #disconnect} cuts the backbone (the outbox keeps
 * queuing on disk, uploads and fetches fail).
 */
final class ExchangeBox implements AutoCloseable {

    static final String UNREACHABLE = "tcp://127.0.0.1:9";
    final String id;
    final Path dir;
    final ExchangeService service;
    final ExchangeStore store;
    private final String password;
    private volatile TelemetryRuntime telemetry;
    private volatile boolean down;
    private final HttpsHubTransfer https;
    /** Uploads begun, and those begun while the outbox still held a CRITICAL message (an emergency report). */
    final LongAdder uploadsStarted = new LongAdder();
    final LongAdder uploadsWhileUrgent = new LongAdder();

    /**
     * @param password the box's password on the manager's lab listener ({@code ManagerFixture.labPassword})
     * @param hubUrl   the hub's document server ({@code exchange.port})
     * @param tls      the box's certificate and the provincial CA ({@code TlsBox.issueContext})
     */
    ExchangeBox(String id, Path dir, List<LocalUnit> units, TrustAnchors trust, String brokerUrl, String password, URI hubUrl,
                SSLContext tls) throws Exception {
        this.id = id;
        this.password = password;
        this.dir = dir;
        this.store = ExchangeStore.open(dir.resolve("exchange.db"));
        // the box's own link on the telemetry of the moment (connect() replaces it); every method delegates,
        // urgentWaiting too (without it the service would never see the emergency report and hold documents back)
        HubLink link = new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                current().sendAll(messages);
            }

            @Override
            public void alarm(Alarm alarm) {
                current().alarm(alarm);
            }

            @Override
            public boolean urgentWaiting() {
                return current().urgentWaiting();
            }

            private HubLink current() {
                return new OutboxHubLink(telemetry.publisher());
            }
        };
        this.https = new HttpsHubTransfer(hubUrl, tls, Duration.ofSeconds(120));
        HubTransfer transfer = new HubTransfer() {
            @Override
            public Answer upload(String messageId, KuraPayload document) throws IOException {
                HttpsHubTransfer https = reachable();
                uploadsStarted.increment();
                if (telemetry.publisher().holds(Priority.CRITICAL)) {
                    uploadsWhileUrgent.increment();
                }
                return https.upload(messageId, document);
            }

            @Override
            public byte[] fetch(String messageId, long maxBytes) throws IOException {
                return reachable().fetch(messageId, maxBytes);
            }

            private HttpsHubTransfer reachable() throws IOException {
                if (down) {
                    throw new IOException("the backbone is down");
                }
                return https;
            }
        };
        connect(brokerUrl);
        this.service = new ExchangeService(id, new ExchangeSettings(20L << 20, Duration.ofDays(30), 5000, Duration.ofSeconds(1),
                Duration.ofDays(3)), store, units, trust, link, transfer, Clock.systemUTC()).start();
        subscribe();
    }

    synchronized void connect(String brokerUrl) {
        down = UNREACHABLE.equals(brokerUrl);
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
        https.close();
        telemetry.close();
        store.close();
    }
}
