package cn.egov.manager.exchange;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.exchange.cms.BcProvider;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.manager.account.Role;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.store.BacklogAlarm;
import cn.egov.manager.web.WebRoutes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provincial exchange hub (公文交换) as a part of the manager: its keys
 * ({@link ExchangeConfigKey}, prefix {@code exchange.}), its tables ({@link HubStore#MIGRATIONS}),
 * its share of the manager's one MQTT session ({@link HubInbox}), the document server where boxes upload
 * and fetch documents over HTTPS ({@link DocumentServer}, with the provincial CA), its periodic work (resend, deadlines, purge:
 * {@link ExchangeHub#tick}), BIRTH catch-up, its meters ({@code exchange.*}) and its routes:
 * {@code /exchange} (page, {@code exchange/exchange.jte}) and {@code GET /api/exchange/summary} for the
 * NOC and auditors ({@code openapi.json} beside this class). Stopped with the manager.
 */
public final class ExchangePart implements ManagerPart {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangePart.class);
    /** How often the hub's queues are compared with their alarm threshold. */
    private static final Duration ALARM_CHECK = Duration.ofSeconds(5);
    private final List<AutoCloseable> running = new ArrayList<>();
    private final ProvincialCa ca;
    private volatile ExchangeHub hub;
    private volatile DocumentServer documents;

    /** @param ca the provincial CA (the document server's certificate, the boxes' certificates checked), or null: no document server */
    public ExchangePart(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public String name() {
        return "exchange";
    }

    @Override
    public List<KeySpec> keys() {
        return ExchangeConfigKey.specs();
    }

    @Override
    public List<String> migrations() {
        return HubStore.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        HubSettings settings = ExchangeConfigKey.settings(ctx.values());
        TrustAnchors trust = trust(ctx);
        HubStore store = new HubStore(ctx.database());
        // the manager's one MQTT session, whatever the broker: ingest hands the hub its messages and
        // publishes what the hub sends (an external Mosquitto gives the manager's user one client id)
        HubInbox mqtt = new HubInbox(ctx.messenger(), ctx.account(), settings.queueCapacity(), settings.batch(),
                ctx.values().integer(ExchangeConfigKey.SENDS_WAITING),
                sender -> new ExchangeHub(store, settings, trust, sender, box -> ctx.fleet().list().stream()
                        .anyMatch(b -> b.clientId().equals(box) && b.status() != BoxStatus.DISCONNECTED), Clock.systemUTC()));
        hub = mqtt.hub();
        mqtt.start();
        running.add(store); // closed after the hub's threads (the list is closed last first)
        running.add(mqtt);
        ctx.listeners().receive(ExchangeWire.APP_ID, mqtt);
        DocumentServerSettings server = ExchangeConfigKey.server(ctx.values());
        if (server == null) {
            LOG.warn("exchange: no document server ({} is not set): boxes can neither upload nor fetch documents", ExchangeConfigKey.PORT.key());
        } else if (ca == null) {
            LOG.warn("exchange: no document server without the provincial CA (ca.passphrase-file): boxes can neither upload nor fetch documents");
        } else {
            documents = new DocumentServer(server, ca, mqtt, hub, settings.maxDocumentBytes(), Duration.ofSeconds(ctx.values().number(ExchangeConfigKey.COMMIT_WAIT_S)),
                    ctx.meters(), ctx.hotAlarms());
            running.add(documents);
            LOG.info("exchange document server for boxes at {} (box certificates only)", documents.url());
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exchange-hub-timer");
            t.setDaemon(true);
            return t;
        });
        running.add(timer::shutdownNow);
        // resends are due per delivery (their own backoff): looking every half interval keeps them close to due
        // resends and deadlines are province-wide: one node sends them (the timer below stays for BIRTHs this node stored)
        long period = Math.max(1, settings.resendInterval().toSeconds() / 2);
        ctx.leadership().every("exchange-resend", "the exchange hub's resends", Duration.ofSeconds(period), hub::tick);
        // a box that connects gets its directory, documents and notices at once, off the ingest thread
        ctx.listeners().add(m -> {
            if (m.kind() == IngestKind.BIRTH) {
                timer.execute(() -> hub.onBirth(m.unit().toString()));
            }
        });
        // both bounded queues of the hub: an alarm for the NOC before one is full (the receiver waits, sends are read back)
        double ratio = ctx.values().ratio(ExchangeConfigKey.QUEUE_ALARM_RATIO);
        BacklogAlarm inboxAlarm = new BacklogAlarm("exchange.backlog", "the exchange hub's queue of box messages", mqtt::depth,
                mqtt.capacity(), ratio, ctx.alarms());
        BacklogAlarm sendsAlarm = new BacklogAlarm("exchange.sends.backlog", "the exchange hub's sends waiting for its sender",
                mqtt::sendsWaiting, mqtt.sendsWaitingBound(), ratio, ctx.alarms());
        timer.scheduleWithFixedDelay(() -> {
            inboxAlarm.check();
            sendsAlarm.check();
        }, ALARM_CHECK.toMillis(), ALARM_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        ctx.meters().counter("exchange.documents", "documents the hub took in", hub.documents::sum)
                .counter("exchange.duplicates", "documents sent again with a message id the hub knows", hub.duplicates::sum)
                .counter("exchange.refused", "documents and registrations the hub refused", hub.refused::sum)
                .counter("exchange.receipts", "signed receipts passed on to senders", hub.receipts::sum)
                .counter("exchange.receipts-refused", "receipts refused (signature, chain, signer, message)", hub.receiptsRefused::sum)
                .counter("exchange.undeliverable", "recipients given up on (deadline passed, hub refused)", hub.undeliverable::sum)
                .counter("exchange.publish-failures", "sends to boxes the broker did not take (repeated later)", hub.publishFailures::sum)
                .gauge("exchange.queue.depth", "box messages waiting for the hub's writer", mqtt::depth)
                .gauge("exchange.queue.capacity", "bound of that queue", mqtt::capacity)
                .counter("exchange.malformed", "exchange messages that were not a KuraPayload on a unit's topic", mqtt::malformed)
                .gauge("exchange.sends.waiting", "messages to boxes of committed batches waiting for the hub's sender", mqtt::sendsWaiting)
                .gauge("exchange.sends.capacity", "bound of those (exchange.sends-waiting)", mqtt::sendsWaitingBound)
                .counter("exchange.sends-deferred", "batches whose sends did not fit in memory (read back from the database at once)",
                        mqtt::sendsDeferred);
        DocumentServer d = documents;
        if (d != null) {
            ctx.meters().counter("exchange.uploads", "documents boxes uploaded over HTTPS (answered after the commit)", d.uploads::sum)
                    .counter("exchange.fetches", "envelopes boxes fetched over HTTPS", d.fetches::sum)
                    .counter("exchange.server.refused", "requests the document server refused (certificate, path, size, payload)", d.refusals::count);
        }

        HubQueries queries = new HubQueries(store);
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR);
        WebRoutes routes = ctx.routes();
        routes.page("/exchange", "公文交换 Exchange", readers, HubHandlers.page(queries, routes, PlaceNames.HEBEI));
        routes.api("/api/exchange/summary", readers, HubHandlers.api(queries));
    }

    /** The hub, once {@link #start} ran (tests). */
    public ExchangeHub hub() {
        return hub;
    }

    private static TrustAnchors trust(PartContext ctx) {
        String file = ctx.values().text(ExchangeConfigKey.TRUST_FILE);
        if (file.isEmpty()) {
            return null;
        }
        List<X509Certificate> roots = new ArrayList<>();
        List<X509Certificate> cas = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            for (var c : CertificateFactory.getInstance("X.509", BcProvider.get()).generateCertificates(in)) {
                X509Certificate x = (X509Certificate) c;
                (x.getSubjectX500Principal().equals(x.getIssuerX500Principal()) ? roots : cas).add(x);
            }
        } catch (Exception e) {
            throw new ConfigException(ctx.config().source() + ": " + ExchangeConfigKey.TRUST_FILE.key() + " '" + file
                    + "' cannot be read as PEM certificates: " + e.getMessage());
        }
        if (roots.isEmpty()) {
            throw new ConfigException(ctx.config().source() + ": " + ExchangeConfigKey.TRUST_FILE.key() + " '" + file + "' holds no root certificate");
        }
        return new TrustAnchors(roots, cas, Clock.systemUTC());
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("exchange: stopping {}: {}", running.get(i), e.toString());
            }
        }
        running.clear();
    }
}
