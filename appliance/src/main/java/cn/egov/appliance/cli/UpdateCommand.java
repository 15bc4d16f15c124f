package cn.egov.appliance.cli;

import cn.egov.api.update.BoxUpdate;
import cn.egov.api.update.UpdateManifest;
import cn.egov.api.update.UpdateVerifier;
import cn.egov.appliance.config.ConfigFileParser;
import cn.egov.appliance.update.Dpkg;
import cn.egov.appliance.update.RunningBox;
import cn.egov.appliance.update.UpdateAgent;
import cn.egov.appliance.update.UpdateInstaller;
import cn.egov.appliance.update.UpdateState;
import cn.egov.isolation.signed.TrustAnchors;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code appliance update install|recover|status}: signed box updates (the manager's
 * {@code manager update sign}), installed with dpkg, the box restarted and watched until it is back
 * green, rolled back by itself when it is not ({@link UpdateInstaller}).
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Signed box updates: install one (verified, then rolled back by itself if the box does not come back green), "
                + "finish one whose installer stopped, or show the state.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:installed (the box is back and green), nothing to recover, or the state shown",
                "1:refused (one line naming the failed check: format, chain, signer_profile, signature, file_hash, scope, serial), "
                        + "or rolled back (one line saying why)",
                "2:bad input: an unreadable file, configuration or trust anchor"})
public final class UpdateCommand {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    /** The box's configuration, where its identity (unit code) is. */
    static final String IDENTITY_FILE = "cn.egov.identity.cfg";

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "/etc/egov-box", scope = ScopeType.INHERIT,
            description = "The box's configuration directory (its unit code: cn.egov.identity.cfg; default ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/var/lib/egov-box", scope = ScopeType.INHERIT,
            description = "The box's state directory (status.txt; the updater keeps update/ in it; default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--trust", paramLabel = "PATH", defaultValue = "/etc/swanctl/x509ca", scope = ScopeType.INHERIT,
            description = "PEM file or directory with the provincial root (default ${DEFAULT-VALUE}, where enrolment puts it).")
    Path trust;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", scope = ScopeType.INHERIT,
            description = "How long the box has to come back green after the install, and after a rollback (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--dpkg", paramLabel = "CMD", defaultValue = "dpkg", scope = ScopeType.INHERIT,
            description = "The dpkg command (default ${DEFAULT-VALUE}).")
    String dpkg;

    @Option(names = "--restart", paramLabel = "CMD", defaultValue = "systemctl restart egov-box.service", scope = ScopeType.INHERIT,
            description = "How the box's runtime is restarted after an install (default: ${DEFAULT-VALUE}).")
    String restart;

    /** @param roots the provincial roots, read only when an update is installed (status and recover need none) */
    private UpdateInstaller installer(java.util.function.Supplier<List<X509Certificate>> roots) {
        Clock clock = Clock.systemUTC();
        return new UpdateInstaller(data.resolve("update"), new Dpkg(UpdateManifest.PACKAGE, words(dpkg)),
                new RunningBox(data, words(restart), clock), () -> new UpdateVerifier(roots.get(), clock), clock,
                Duration.ofSeconds(timeoutSeconds));
    }

    private static List<String> words(String s) {
        return Arrays.asList(s.trim().split("\\s+"));
    }

    @Command(name = "install", description = "Verify a signed update file and install it; roll back when the box does not come back green.")
    int install(@Option(names = "--consume", description = "Remove FILE at the end and write the outcome for the box's runtime to report "
                        + "(an update pushed by the manager: egov-box-install.service).") boolean consume,
                @Parameters(paramLabel = "FILE", description = "The update (from 'manager update sign').") Path file) throws Exception {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > BoxUpdate.MAX_PACKAGE_BYTES + (long) (16 << 20)) {
                throw new UserError("update file " + file + " does not exist, is not a file, or is too large");
            }
            UnitCode unit = unit();
            List<X509Certificate> roots = roots();
            UpdateInstaller.Outcome r;
            try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
                r = installer(() -> roots).install(in, unit);
            }
            (r.ok() ? System.out : System.err).println("appliance update: " + r.message());
            if (consume) {
                UpdateAgent.writeOutcome(data.resolve("update"), r);
            }
            return r.ok() ? OK : REFUSED;
        } catch (UserError e) {
            if (consume) {
                UpdateAgent.writeOutcome(data.resolve("update"), new UpdateInstaller.Outcome(false, "refused: " + e.getMessage()));
            }
            throw e;
        } finally {
            if (consume) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Command(name = "recover", description = "Finish an update whose installer stopped (run at the box's start): "
            + "confirm a box that came back green, else roll back.")
    int recover() throws Exception {
        UpdateInstaller installer = installer(List::of);
        boolean underWay = installer.state().phase() != UpdateState.Phase.IDLE;
        UpdateInstaller.Outcome r = installer.recover();
        (r.ok() ? System.out : System.err).println("appliance update: " + r.message());
        if (underWay) {
            // an update pushed by the manager waits for this outcome (the box's runtime reports it)
            UpdateAgent.writeOutcome(data.resolve("update"), r);
        }
        return r.ok() ? OK : REFUSED;
    }

    @Command(name = "status", description = "The updater's state: phase, serial and version, the last outcome.")
    int status() throws Exception {
        UpdateState s = installer(List::of).state();
        System.out.println("phase " + s.phase());
        System.out.println("serial " + s.serial());
        System.out.println("version " + s.version());
        if (s.phase() != UpdateState.Phase.IDLE) {
            System.out.println("target " + s.target() + " by " + s.deadline() + " (process " + s.pid() + ")");
        }
        System.out.println("last " + (s.outcome().isEmpty() ? "none" : s.outcome()));
        return OK;
    }

    private UnitCode unit() throws Exception {
        Path f = config.resolve(IDENTITY_FILE);
        if (!Files.isRegularFile(f)) {
            throw new UserError("no " + IDENTITY_FILE + " in " + config + ": the box's unit code is needed (--config DIR)");
        }
        String code = new ConfigFileParser(Map.of()).parse(f).entry("unit.code")
                .orElseThrow(() -> new UserError(f + " has no unit.code")).value();
        try {
            return UnitCode.parse(code);
        } catch (IllegalArgumentException e) {
            throw new UserError(f + ": unit.code " + code + ": " + e.getMessage());
        }
    }

    private List<X509Certificate> roots() throws Exception {
        List<X509Certificate> roots;
        try {
            roots = TrustAnchors.read(trust);
        } catch (java.io.IOException e) {
            throw new UserError("cannot read the provincial root from " + trust + ": " + e.getMessage());
        }
        if (roots.isEmpty()) {
            throw new UserError("no provincial root certificate in " + trust + ": an update cannot be verified (enrol first, or --trust)");
        }
        return roots;
    }
}
