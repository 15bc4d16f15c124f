package cn.egov.exchange.ds;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.text.LogSafe;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.Role;
import cn.egov.exchange.cms.BcProvider;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.keys.DocumentKeyEnrolment;
import cn.egov.exchange.keys.UnitKeyStore;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.exchange.store.ExchangeStore;
import cn.egov.exchange.transport.OutboxHubLink;
import cn.egov.exchange.web.ExchangeSection;
import cn.egov.exchange.web.NotReady;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.rules.unit.UnitCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document exchange as a service of the box, and its console section (公文交换 Documents, for
 * clerks: pages and the REST API under {@code /exchange/}). At activation it opens the store and
 * then, on a thread of its own, gets every configured unit's keys ready: from the key folder, else
 * enrolled with the provincial CA over EST with the box certificate (retried every
 * {@code enrol.retry.s} while the box is not enrolled or the CA cannot be reached). Once all units
 * have keys it starts the {@link ExchangeService}, takes the hub's messages from the control
 * channel ({@code $EDC/<acct>/<box>/EXCHANGE/PUT/doc|notice|directory}), moves documents to and from
 * the hub's document server ({@code hub.url}) over HTTPS with the box certificate, and registers the
 * units' encryption certificates with the hub. Until then the section says what it is waiting for.
 * Off until its configuration file {@code cn.egov.exchange.cfg} exists.
 */
@Component(configurationPid = BoxExchangeSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConsoleSection.class, immediate = true)
@Designate(ocd = ExchangeConfig.class)
public final class ExchangeComponent implements ConsoleSection {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeComponent.class);
    /** The section's path, title and roles, also those of its stand-in while the exchange is off ({@link ExchangeOffSection}). */
    static final String PATH = "exchange";
    static final String TITLE = "公文交换 Documents";
    static final Set<Role> ROLES = Set.of(Role.CLERK);
    /** Connect and answer timeout of one upload or fetch: a 20 MB document over a slow backbone link still fits. */
    private static final java.time.Duration TRANSFER_TIMEOUT = java.time.Duration.ofSeconds(120);

    private final BoxExchangeSettings settings;
    private final String box;
    private final TelemetryPublisher telemetry;
    private final ControlChannel control;
    private final ExchangeStore store;
    private final UnitKeyStore keys;
    private final ScheduledExecutorService starter;
    private final ExchangeSection section;
    private final List<ControlChannel.Subscription> subscriptions = new ArrayList<>();
    private volatile ExchangeService service;
    private volatile BoxCertificateTransfer transfer;
    private volatile NotReady waitingFor = NotReady.STARTING;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile BoxCertificates certificates;

    @Activate
    public ExchangeComponent(@Reference IdentityProvider identity, @Reference TelemetryPublisher telemetry,
                             @Reference ControlChannel control, ExchangeConfig config) throws Exception {
        UnitCode boxUnit = identity.identity().unit();
        this.settings = BoxExchangeSettings.of(config, boxUnit);
        this.box = identity.identity().clientId();
        this.telemetry = telemetry;
        this.control = control;
        this.store = ExchangeStore.open(settings.storePath());
        this.keys = new UnitKeyStore(settings.keysDir(), settings.keysPassword());
        this.section = new ExchangeSection(() -> service, () -> waitingFor, settings.exchange().maxDocumentBytes(),
                settings.exchange().defaultDeadline(), Clock.systemUTC());
        this.starter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exchange-start");
            t.setDaemon(true);
            return t;
        });
        starter.execute(this::tryStart);
    }

    /** Gets the units' keys and the trust anchors; starts the exchange once it has them all, else tries again later. */
    private void tryStart() {
        try {
            Optional<BoxCredentials> credentials = Optional.ofNullable(certificates).flatMap(BoxCertificates::current);
            List<LocalUnit> units = new ArrayList<>();
            for (UnitCode unit : settings.units()) {
                Optional<LocalUnit> k = keys.load(unit);
                if (k.isEmpty()) {
                    if (credentials.isEmpty()) {
                        throw new Waiting("单位 " + unit + " 的公文密钥：本机尚未注册，无法申请。请联系技术员运行 'appliance enrol'。",
                                "keys of unit " + unit + ": the box is not enrolled yet (appliance enrol), so they cannot be enrolled");
                    }
                    LOG.info("exchange: enrolling the document keys of unit {} at {}", unit, settings.estUrl());
                    LocalUnit enrolled = new DocumentKeyEnrolment(settings.estUrl(), TlsContexts.of(credentials.get()),
                            java.time.Duration.ofSeconds(30)).enrol(unit, settings.signingAlgorithm());
                    keys.save(enrolled);
                    LOG.info("exchange: unit {} has its document keys (signing {}, encryption {})", unit,
                            enrolled.signing().certificate().getSerialNumber().toString(16),
                            enrolled.decryption().certificate().getSerialNumber().toString(16));
                    k = Optional.of(enrolled);
                }
                units.add(k.get());
            }
            TrustAnchors trust = trust(credentials);
            // documents travel over HTTPS with the box certificate of the moment (none yet: they wait, same-box ones do not)
            BoxCertificateTransfer transfer = new BoxCertificateTransfer(settings.hubUrl(), TRANSFER_TIMEOUT,
                    () -> Optional.ofNullable(certificates).flatMap(BoxCertificates::current));
            this.transfer = transfer;
            ExchangeService s = new ExchangeService(box, settings.exchange(), store, units, trust, new OutboxHubLink(telemetry), transfer,
                    Clock.systemUTC()).start();
            for (String resource : List.of(ExchangeWire.PUT_DOC, ExchangeWire.PUT_NOTICE, ExchangeWire.PUT_DIRECTORY)) {
                subscriptions.add(control.subscribe(ExchangeWire.APP_ID, resource, (topic, payload) -> s.onHubMessage(resource, payload)));
            }
            s.register();
            service = s;
            waitingFor = null;
            LOG.info("exchange ready for units {} (store {})", settings.units(), settings.storePath());
        } catch (Waiting w) {
            notReady(w.why);
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            notReady(new NotReady("启动时出错，" + settings.enrolRetry().toSeconds() + " 秒后自动重试；一直如此请联系技术员查看本机日志。",
                    message));
        }
    }

    private void notReady(NotReady why) {
        waitingFor = why;
        LOG.warn("exchange not ready: {}; trying again in {} s", LogSafe.of(why.english()), settings.enrolRetry().toSeconds());
        starter.schedule(this::tryStart, settings.enrolRetry().toSeconds(), TimeUnit.SECONDS);
    }

    private TrustAnchors trust(Optional<BoxCredentials> credentials) throws Exception {
        List<X509Certificate> all = new ArrayList<>();
        if (settings.trustFile() != null) {
            try (InputStream in = Files.newInputStream(settings.trustFile())) {
                CertificateFactory.getInstance("X.509", BcProvider.get()).generateCertificates(in).forEach(c -> all.add((X509Certificate) c));
            }
        } else if (credentials.isPresent()) {
            all.addAll(credentials.get().trustAnchors());
        } else {
            throw new Waiting("信任锚：本机尚未注册，也没有设置 trust.anchors。请联系技术员：运行 'appliance enrol'，或在“公文交换”表单中设置 trust.anchors。",
                    "trust anchors: the box is not enrolled and trust.anchors is not set");
        }
        List<X509Certificate> roots = all.stream().filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).toList();
        if (roots.isEmpty()) {
            String where = settings.trustFile() != null ? settings.trustFile().toString() : "the box's CA certificates";
            throw new Waiting("信任锚：" + (settings.trustFile() != null ? where + " 中" : "本机的 CA 证书中") + "没有根证书。请联系技术员。",
                    "trust anchors: no root certificate in " + where);
        }
        return new TrustAnchors(roots, all.stream().filter(c -> !roots.contains(c)).toList(), Clock.systemUTC());
    }

    /** Not an error: something the exchange waits for, said in one line in each language. */
    private static final class Waiting extends Exception {
        private final transient NotReady why;

        Waiting(String chinese, String english) {
            super(english, null, false, false);
            this.why = new NotReady(chinese, english);
        }
    }

    /** The running exchange, or null while it waits for keys (tests, other components). */
    public ExchangeService service() {
        return service;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public String title() {
        return TITLE;
    }

    @Override
    public Set<Role> roles() {
        return ROLES;
    }

    @Override
    public Request.Handler handler() {
        return section;
    }

    @Deactivate
    void deactivate() {
        starter.shutdownNow();
        try {
            starter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscriptions.forEach(ControlChannel.Subscription::close);
        ExchangeService s = service;
        if (s != null) {
            s.close();
        }
        BoxCertificateTransfer t = transfer;
        if (t != null) {
            t.close(); // after the service: its workers' requests are over
        }
        try {
            store.close();
        } catch (Exception e) {
            LOG.warn("exchange store not closed cleanly: {}", e.toString());
        }
    }
}
