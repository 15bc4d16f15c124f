package cn.egov.bench.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.ExchangeSettings;
import cn.egov.exchange.service.HubLink;
import cn.egov.exchange.service.HubTransfer;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.transport.HttpsHubTransfer;
import cn.egov.exchange.transport.OutboxHubLink;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A box's exchange as on a box, minus OSGi: the telemetry stack (durable SQLite outbox, FULL sync,
 * Paho over TLS with a box certificate of the CA), the exchange service and its SQLite store, and
 * the HTTPS transfer to the hub's document server with the same box certificate. While the backbone
 * is down ({@link #connect} to {@link #UNREACHABLE}) uploads and fetches fail too.
 */
final class BenchBox implements AutoCloseable {

    static final String UNREACHABLE = "ssl://127.0.0.1:9";
    final String id;
    final ExchangeService service;
    final ExchangeStore store;
    private final Path dir;
    private final SSLContext tls;
    private volatile TelemetryRuntime telemetry;
    private volatile boolean down;
    private final HttpsHubTransfer https;

    BenchBox(BenchPki pki, String id, Path dir, List<LocalUnit> units, TrustAnchors trust, String brokerUrl, URI hubUrl, long maxBytes)
            throws Exception {
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

            @Override
            public boolean urgentWaiting() {
                return new OutboxHubLink(telemetry.publisher()).urgentWaiting(); // the box checks before every upload
            }
        };
        this.https = new HttpsHubTransfer(hubUrl, tls, Duration.ofSeconds(120));
        HubTransfer transfer = new HubTransfer() {
            @Override
            public Answer upload(String messageId, KuraPayload document) throws IOException {
                return reachable().upload(messageId, document);
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
        this.service = new ExchangeService(id, new ExchangeSettings(maxBytes, Duration.ofDays(30), 5000, Duration.ofSeconds(30),
                Duration.ofDays(3)), store, units, trust, link, transfer, Clock.systemUTC()).start();
        subscribe();
    }

    synchronized void connect(String brokerUrl) {
        down = UNREACHABLE.equals(brokerUrl);
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
        https.close();
        telemetry.close();
        store.close();
    }
}
