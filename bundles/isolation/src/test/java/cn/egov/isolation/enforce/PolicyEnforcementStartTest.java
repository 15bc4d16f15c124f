package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the DS component puts in force at start, with nft recorded (the netns tests run it for
 * real): the local directory when no signed bundle was accepted; when one was, not the local
 * directory (no moment of the older unsigned policy) but what the signed component applies, and
 * the local directory only as its fallback, asked for or after the first verification round.
 */
class PolicyEnforcementStartTest {

    private static final String LOCAL = "version=2026.11-2";
    private static final String SIGNED = "version=2026.11-9";

    @TempDir
    Path tmp;
    private Path signedDir;
    private Path signedState;
    /** The ruleset text of every {@code nft -f -}. */
    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final NftCommand nft = (args, stdin) -> {
        if (args.contains("-f")) {
            applied.add(stdin);
            return new NftCommand.Result(0, "", "");
        }
        return new NftCommand.Result(1, "", "Error: No such file or directory"); // no table to read back
    };

    @BeforeEach
    void dirs() throws IOException {
        signedDir = Files.createDirectories(tmp.resolve("signed"));
        try (Stream<Path> files = Files.list(PolicyEnforcementNetnsTest.BASELINE)) {
            for (Path f : files.toList()) {
                Files.writeString(signedDir.resolve(f.getFileName()), Files.readString(f).replace("version 2026.11-2", "version 2026.11-9"));
            }
        }
        signedState = Files.createDirectories(tmp.resolve("signed-state"));
    }

    @Test
    void withoutAnAcceptedBundleTheLocalDirectoryIsApplied() throws Exception {
        PolicyEnforcementComponent c = component(3600);
        awaitApplies(1);
        assertTrue(applied.get(0).contains(LOCAL), "the local policy at start");
        c.deactivate();
    }

    @Test
    void withAnAcceptedBundleOnlyTheSignedPolicyIsAppliedAtStart() throws Exception {
        Files.writeString(signedState.resolve(PolicyApplier.ACCEPTED_BUNDLE_FILE), "envelope");
        PolicyEnforcementComponent c = component(3600);
        // runs after the start-up task on the same thread: by its return the start-up is done
        assertEquals(ApplyResult.Status.APPLIED, c.apply(signedDir).status());
        assertEquals(1, applied.size(), "one apply: " + applied);
        assertTrue(applied.get(0).contains(SIGNED), "the signed policy, and no local one before it");

        assertEquals(ApplyResult.Status.APPLIED, c.applyLocalPolicy().status(), "the fallback when the signed one fails");
        assertEquals(2, applied.size());
        assertTrue(applied.get(1).contains(LOCAL));
        c.deactivate();
    }

    @Test
    void withAnAcceptedBundleButNoSignedApplyTheLocalDirectoryFollowsAtTheFirstVerification() throws Exception {
        Files.writeString(signedState.resolve(PolicyApplier.ACCEPTED_BUNDLE_FILE), "envelope");
        PolicyEnforcementComponent c = component(1); // the signed component never comes
        awaitApplies(1);
        assertTrue(applied.get(0).contains(LOCAL), "never left without a policy");
        c.deactivate();
    }

    private void awaitApplies(int n) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); applied.size() < n && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        assertEquals(n, applied.size(), "applies: " + applied.size());
    }

    private PolicyEnforcementComponent component(int verifySeconds) throws Exception {
        PolicyEnforcementComponent c = new PolicyEnforcementComponent();
        Field f = PolicyEnforcementComponent.class.getDeclaredField("telemetry");
        f.setAccessible(true);
        f.set(c, new RecordingTelemetry());
        PolicyEnforcementConfig config = (PolicyEnforcementConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{PolicyEnforcementConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "policy_directory" -> PolicyEnforcementNetnsTest.BASELINE.toString();
                    case "signed_state_directory" -> signedState.toString();
                    case "verify_interval_s" -> verifySeconds;
                    case "denial_poll_interval_s" -> 3600;
                    case "auto_restore" -> false;
                    case "lock_file" -> tmp.resolve("nft.lock").toString();
                    case "route_guard_enabled" -> false;
                    case "nft_scratch_commands" -> ProcessScratchNft.DEFAULT_COMMANDS.toArray(String[]::new);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        c.activate(config, nft);
        return c;
    }
}
