package cn.egov.isolation.enforce;

import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.route.ProcessIp;
import cn.egov.isolation.route.RouteGuardSettings;
import cn.egov.isolation.route.RouteIsolation;
import cn.egov.rules.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@link PolicyEnforcement} into the box: applies the configured policy directory at
 * activation (and on every configuration change), verifies it every {@code verify_interval_s} and
 * turns denial records into alarms every {@code denial_poll_interval_s}. With {@code route_guard_enabled}
 * it also keeps the isolated zones without a route to the Internet ({@link RouteIsolation}) and
 * checks that at every verification. As {@link PolicyApplier} it applies other directories (the
 * verified files of a signed policy from the manager, {@code cn.egov.isolation.signed}) on the
 * same thread, after the start-up apply and never interleaved with a verification.
 *
 * <p>When the signed-policy component holds an accepted bundle ({@code signed_state_directory}), the
 * local directory is not applied at start: that component re-verifies and applies the signed bundle
 * itself, and applying the (older, unsigned) local policy first would put it in force for a moment
 * at every restart or configuration change. The local directory is then only the fallback: applied
 * when the signed component asks ({@link #applyLocalPolicy}, its bundle no longer verifies or
 * applies) or when nothing was applied by the first verification round (the signed component never
 * started), so the box is never left without a policy.
 */
// REQUIRE: a box enforces once its configuration file exists ('appliance setup' installs it after the
// box has enrolled and its tunnel is up: the baseline lets the box reach the data centre only through
// the tunnel). Without a file it would apply the default directory, refuse it and stand unhealthy.
@Component(immediate = true, service = {PolicyApplier.class, SelfTest.class}, configurationPolicy = ConfigurationPolicy.REQUIRE,
        configurationPid = "cn.egov.isolation.enforce")
@Designate(ocd = PolicyEnforcementConfig.class)
public final class PolicyEnforcementComponent implements PolicyApplier, SelfTest {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEnforcementComponent.class);

    @Reference
    private TelemetryPublisher telemetry;

    private ScheduledExecutorService scheduler;
    private PolicyEnforcement enforcement;
    private RouteIsolation routes;
    private Path localDirectory;
    private boolean awaitingSigned; // only touched on the scheduler's thread

    @Activate
    void activate(PolicyEnforcementConfig config) {
        activate(config, new ProcessNft(Arrays.asList(config.nft_command().trim().split("\\s+"))));
    }

    void activate(PolicyEnforcementConfig config, NftCommand nft) {
        activate(config, nft, new ProcessScratchNft(List.of(config.nft_scratch_commands())));
    }

    void activate(PolicyEnforcementConfig config, NftCommand nft, ScratchNft scratch) {
        enforcement = new PolicyEnforcement(nft, scratch, telemetry, Clock.systemUTC(), Path.of(config.lock_file()), config.auto_restore());
        // empty: no local policy, only the manager's signed one ('appliance setup' waits for it this way,
        // so that nothing is in force until the signed policy is)
        localDirectory = config.policy_directory().isBlank() ? null : Path.of(config.policy_directory());
        Path accepted = Path.of(config.signed_state_directory()).resolve(PolicyApplier.ACCEPTED_BUNDLE_FILE);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "isolation-enforce");
            t.setDaemon(true);
            return t;
        });
        routes = !config.route_guard_enabled() ? null : new RouteIsolation(
                new ProcessIp(Arrays.asList(config.ip_command().trim().split("\\s+"))), RouteGuardSettings.of(config), telemetry::condition, Clock.systemUTC());
        if (routes != null) {
            enforcement.addToState(routes::addMetrics);
        }
        scheduler.execute(() -> {
            awaitingSigned = Files.exists(accepted);
            if (awaitingSigned) {
                LOG.info("isolation policy: {} exists, the signed policy is applied first; {} only as fallback", accepted, localDirectory);
            } else if (localDirectory == null) {
                LOG.info("isolation policy: no local policy directory; waiting for the signed policy from the manager");
            } else {
                applyDirectory(localDirectory);
            }
        });
        Runnable verify = routes == null ? enforcement::verify : () -> {
            guard("route guard", routes::run).run(); // first, so that the state message carries this round
            enforcement.verify();
        };
        Runnable verifyOrFallBack = () -> {
            if (awaitingSigned && localDirectory != null) {
                LOG.warn("isolation policy: the signed policy was not applied by the first verification; applying {}", localDirectory);
                applyDirectory(localDirectory);
            }
            verify.run();
        };
        scheduler.scheduleWithFixedDelay(guard("verify", verifyOrFallBack), config.verify_interval_s(),
                config.verify_interval_s(), TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(guard("denials", enforcement::pollDenials), config.denial_poll_interval_s(),
                config.denial_poll_interval_s(), TimeUnit.SECONDS);
    }

    private ApplyResult applyDirectory(Path dir) {
        awaitingSigned = false;
        ApplyResult r = enforcement.apply(dir);
        LOG.info("isolation policy {}: {}", r.status(), r.message());
        if (routes != null && r.status() != ApplyResult.Status.REJECTED) {
            guard("route guard", () -> {
                routes.follow(PolicyLoader.load(dir, LocalDate.now(Clock.systemUTC())).policyOrThrow());
                routes.run();
                enforcement.reportState(); // the apply's own report went out before this round
            }).run();
        }
        return r;
    }

    /** Applies {@code dir} on this component's thread and waits for the outcome. */
    @Override
    public ApplyResult apply(Path dir) {
        try {
            return scheduler.submit(() -> applyDirectory(dir)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "interrupted before " + dir + " was applied");
        } catch (ExecutionException | RejectedExecutionException e) {
            return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "applying " + dir + " failed: " + e);
        }
    }

    /** Applies the configured policy directory on this component's thread and waits for the outcome. */
    @Override
    public ApplyResult applyLocalPolicy() {
        if (localDirectory == null) {
            return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "no local policy directory is configured (policy.directory)");
        }
        return apply(localDirectory);
    }

    @Override
    public String name() {
        return "隔离策略 Isolation policy and route guard";
    }

    @Override
    public Result run() {
        PolicyEnforcement e = enforcement;
        return IsolationSelfTest.judge(e.state(), e.enforcer().inForce(), e.lastRejection(), routes == null ? null : routes.last());
    }

    private static Runnable guard(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a failed round must not cancel the schedule
                LOG.warn("isolation {} failed", what, e);
            }
        };
    }

    @Deactivate
    void deactivate() {
        // the ruleset stays in force when the bundle stops: isolation must not depend on the JVM
        scheduler.shutdownNow();
        enforcement.endConditions();
        if (routes != null) {
            routes.endConditions();
        }
    }
}
