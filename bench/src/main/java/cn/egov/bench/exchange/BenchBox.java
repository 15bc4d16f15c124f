package cn.egov.bench.exchange;

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
import cn.egov.manager.ca.KeyPairs;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A box's exchange as on a box, minus OSGi: the telemetry stack (durable SQLite outbox, FULL sync,
 * Paho over TLS with a box certificate of the CA), the exchange service and its SQLite store.
 */
final class BenchBox implements AutoCloseable {

    static final String UNREACHABLE = "ssl://127.0.0.1:9";
    final String id;
    final ExchangeService service;
    final ExchangeStore store;
    private final Path dir;
    private final SSLContext tls;
    private volatile TelemetryRuntime telemetry;

    BenchBox(BenchPki pki, String id, Path dir, List<LocalUnit> units, TrustAnchors trust, String brokerUrl, long maxBytes) throws Exception {
        this.id = id;
        this.dir = dir;
        KeyPair keys = KeyPairs.p256();
        var cert = pki.ca.issueBox(keys.getPublic(), UnitCode.parse(id), null);
        this.tls = TlsContexts.of(new BoxCredentials(keys.getPrivate(), List.of(cert, pki.ca.issuingCertificate()),
                List.of(pki.ca.rootCertificate(), pki.ca.issuingCertificate())));
        this.store = ExchangeStore.open(dir.resolve("exchange.db"));
        connect(brokerUrl);
        HubLink link = new HubLink() {
            @Override
            public void sendAll(List<Message> messages) {
                new OutboxHubLink(telemetry.publisher()).sendAll(messages);
            }

            @Override
            public void alarm(Alarm alarm) {
                telemetry.publisher().alarm(alarm);
            }
        };
        this.service = new ExchangeService(id, new ExchangeSettings(maxBytes, Duration.ofDays(30), 5000, Duration.ofSeconds(30),
                Duration.ofDays(3)), store, units, trust, link, Clock.systemUTC()).start();
        subscribe();
    }

    synchronized void connect(String brokerUrl) {
        if (telemetry != null) {
            telemetry.close();
        }
        MqttSettings mqtt = new MqttSettings(brokerUrl, MqttSettings.DEFAULT_ACCOUNT, id, null, Duration.ofMillis(100),
                Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, MqttSettings.DEFAULT_KEEP_ALIVE, null)
                .withTls(tls::getSocketFactory);
        telemetry = TelemetryRuntime.start(new BoxIdentity(UnitCode.parse(id), "SN-" + id, id),
                new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 100_000), Duration.ofMinutes(10)), "none");
        if (service != null) {
            subscribe();
        }
    }

    private void subscribe() {
        for (String r : List.of(ExchangeWire.PUT_DOC, ExchangeWire.PUT_NOTICE, ExchangeWire.PUT_DIRECTORY)) {
            telemetry.mqtt().subscribe(ExchangeWire.APP_ID, r, (topic, payload) -> service.onHubMessage(r, payload));
        }
    }

    @Override
    public void close() throws Exception {
        service.close();
        telemetry.close();
        store.close();
    }
}
