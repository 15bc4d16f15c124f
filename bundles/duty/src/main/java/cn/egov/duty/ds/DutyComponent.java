package cn.egov.duty.ds;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.ReceiptsPayload;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.console.api.ConsoleSection;
import cn.egov.duty.console.DutySection;
import cn.egov.duty.DeadlineWatch;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutySettings;
import cn.egov.duty.store.DutyStore;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The duty desk as a service of the box: opens the store, queues what a crash left behind, starts
 * the deadline clock, and takes the province's receipts from the control channel
 * ({@code $EDC/<acct>/<unit>/DUTY/PUT/receipts}, retained). A configuration change restarts it;
 * everything filed stays in the store. It registers the duty officer's console section
 * ({@link DutySection}, pages and JSON at {@code /duty/}).
 */
@Component(configurationPid = DutySettings.PID, service = {}, immediate = true)
@Designate(ocd = DutyConfig.class)
public final class DutyComponent {

    private static final Logger LOG = LoggerFactory.getLogger(DutyComponent.class);

    private final DutyStore store;
    private final DutyDesk desk;
    private final ScheduledExecutorService timer;
    private final ControlChannel.Subscription receipts;
    private final ServiceRegistration<ConsoleSection> section;

    @Activate
    public DutyComponent(BundleContext context, @Reference IdentityProvider identity, @Reference TelemetryPublisher telemetry,
                         @Reference ControlChannel control, DutyConfig config) {
        DutySettings settings = DutySettings.of(config.store_path(), config.deadlines(), config.warn_before_min(),
                config.check_period_s(), config.leads(), config.roster_days());
        Clock clock = Clock.systemUTC();
        this.store = new DutyStore(settings.storePath());
        this.desk = new DutyDesk(identity.identity().unit(), store, settings, telemetry, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duty-deadlines");
            t.setDaemon(true);
            return t;
        });
        DeadlineWatch watch = new DeadlineWatch(desk, telemetry, clock);
        timer.execute(desk::publishRoster);
        timer.scheduleWithFixedDelay(watch, 0, settings.checkPeriod().toMillis(), TimeUnit.MILLISECONDS);
        this.receipts = control.subscribe(DutyTopics.APP, DutyTopics.RECEIPTS,
                (topic, payload) -> timer.execute(() -> receive(payload))); // off the MQTT thread
        // the duty officer's pages: the console mounts the section at /duty/ (whiteboard)
        this.section = context.registerService(ConsoleSection.class, new DutySection(desk, clock), null);
        LOG.info("duty desk of {} ready (store {}, deadlines {})", desk.unit(), settings.storePath(), settings.deadlines().toText());
    }

    private void receive(byte[] payload) {
        try {
            desk.onReceipts(ReceiptsPayload.decode(KuraPayloadCodec.decode(payload)));
        } catch (PayloadFormatException | DutyInputException e) {
            LOG.warn("duty: receipts from the manager refused: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("duty: receipts could not be stored: {}", e.toString());
        }
    }

    /** The desk (also registered as the service). */
    public DutyDesk desk() {
        return desk;
    }

    @Deactivate
    void deactivate() {
        section.unregister();
        receipts.close();
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
