package cn.egov.appliance.update;

import cn.egov.api.launcher.BoxUpdates;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.update.UpdateWire;
import cn.egov.appliance.setup.Setup;
import cn.egov.appliance.setup.SetupException;
import cn.egov.appliance.setup.SetupProfile;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.pki.store.TlsContexts;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's updater for updates pushed over MQTT ({@link BoxUpdates}, bridged to the box's MQTT
 * connection by the telemetry bundle): runs {@link UpdateAgent} on one thread of its own, reading
 * the box's unit ({@code cn.egov.identity}) and certificate ({@code cn.egov.pki}'s key store) at
 * each request (a box enrolled after its start needs no restart). The installer is started by
 * systemd: the agent puts the checked download at {@link #TRIGGER} and {@code egov-box-install.path}
 * starts {@code egov-box-install.service} ({@code appliance update install --consume}), outside the
 * runtime it restarts. At start and every {@link #POLL} it reports the outcome of a request that
 * waited for its installer (also the one from before the restart).
 */
public final class UpdateService implements BoxUpdates, AutoCloseable {

    /** Where the download goes for systemd's installer unit. */
    public static final String TRIGGER = "install.update";
    static final Duration POLL = Duration.ofSeconds(10);
    /** Requests waiting for the worker; more are dropped (counted, logged): the manager pushes again. */
    static final int QUEUE = 4;
    /** Reports kept while no publisher is set (the MQTT bundle starting). */
    static final int UNSENT = 64;
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);
    /** Two installer timeouts (install, rollback) and a margin: then a request without outcome is given up. */
    private static final Duration GIVE_UP = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(UpdateService.class);

    private final SetupProfile profile;
    private final Path dir;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor worker;
    private final AtomicInteger queued = new AtomicInteger();
    private final Deque<byte[]> unsent = new ArrayDeque<>();
    private Consumer<byte[]> publisher;
    final LongAdder dropped = new LongAdder();

    public UpdateService(Path config, Path data, Clock clock) {
        this.profile = new SetupProfile(config, data);
        this.dir = data.resolve("update");
        this.clock = clock;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "box-updates");
            t.setDaemon(true);
            return t;
        });
        worker.scheduleWithFixedDelay(this::conclude, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void request(byte[] payload) {
        if (queued.incrementAndGet() > QUEUE) {
            queued.decrementAndGet();
            dropped.increment();
            LOG.warn("update request dropped: {} requests wait already (the manager pushes again)", QUEUE);
            return;
        }
        worker.execute(() -> {
            queued.decrementAndGet();
            try {
                agent().onRequest(payload);
            } catch (Exception e) {
                LOG.error("update request not handled: {}", e.getMessage());
            }
        });
    }

    @Override
    public synchronized void reports(Consumer<byte[]> p) {
        publisher = p;
        while (publisher != null && !unsent.isEmpty()) {
            publisher.accept(unsent.removeFirst());
        }
    }

    private synchronized void report(UpdateWire.Progress p) {
        LOG.info("update request {} (serial {}): {} {}", p.requestId(), p.serial(), p.state().label(), p.message());
        byte[] bytes = KuraPayloadCodec.encode(p.toPayload());
        if (publisher != null) {
            publisher.accept(bytes);
        } else {
            if (unsent.size() >= UNSENT) {
                unsent.removeFirst();
            }
            unsent.addLast(bytes);
        }
    }

    private void conclude() {
        try {
            if (Files.exists(dir.resolve(UpdateAgent.PENDING))) {
                agent().conclude();
            }
        } catch (Exception e) {
            LOG.warn("update outcome not reported yet: {}", e.getMessage());
        }
    }

    private UpdateAgent agent() throws SetupException {
        String code = profile.values(Setup.IDENTITY).getOrDefault("unit.code", "");
        if (!UnitCode.isValid(code)) {
            throw new SetupException("the box has no unit code yet (cn.egov.identity unit.code): run appliance setup");
        }
        Map<String, String> pki = profile.values(Setup.PKI);
        BoxKeyStore store = new BoxKeyStore(Path.of(pki.getOrDefault("key.store.path", Setup.DEFAULT_KEY_STORE)),
                pki.getOrDefault("key.store.password", "").toCharArray());
        UpdateAgent.Downloads downloads = url -> {
            BoxCredentials c;
            try {
                c = store.load().orElseThrow(() -> new IOException("the box is not enrolled: no certificate to download with"));
                return new HttpsDownloads(TlsContexts.of(c), DOWNLOAD_TIMEOUT).open(url);
            } catch (GeneralSecurityException e) {
                throw new IOException("the box's key store " + store.file() + " cannot be used: " + e.getMessage());
            }
        };
        return new UpdateAgent(dir, UnitCode.parse(code), downloads, this::trigger, this::report, clock, GIVE_UP);
    }

    /** Hands the file to systemd's installer unit; its outcome comes later. */
    private boolean trigger(Path file) throws IOException {
        Files.move(file, dir.resolve(TRIGGER), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return false;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
