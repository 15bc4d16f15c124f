package cn.egov.appliance.cli;

import cn.egov.appliance.launch.BoxLiveness;
import cn.egov.appliance.launch.StatusFile;
import cn.egov.appliance.setup.Setup;
import cn.egov.appliance.setup.SetupProfile;
import cn.egov.appliance.setup.SetupStep;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance setup}: the technician's first boot, from a box fresh out of its package to
 * green at the NOC. Takes the unit code and the token (asked for when not given), then checks the
 * ports, enrols, brings the tunnel up, waits for the manager's signed policy, checks the route
 * guard and the address plan, and ends with the self-test. See {@link Setup}.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Set up this box, step by step: " + "interfaces, enrol, tunnel, policy, plan, selftest.",
                "The box must be running (systemctl start egov-box). Each step changes configuration files only, waits until "
                        + "the box's self-test says the change works, and puts them back when it does not: the box is then as it was, "
                        + "and the self-test's sentence says what to fix. Every step can be run again (--step)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every step succeeded and every self-test line is OK",
                "1:a step failed (what to fix is printed; the box is as it was before that step)",
                "2:bad input (an option, a missing unit code or token without a terminal to ask on)",
                "3:the box is not running",
                "70:internal error (run again with --debug for the stack trace)"})
public final class SetupCommand implements Callable<Integer> {
    static final int EXIT_STEP_FAILED = 1;
    static final int EXIT_NOT_RUNNING = 3;

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "/etc/egov-box",
            description = "The box's configuration directory, with the province's setup profile in setup/ (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/var/lib/egov-box",
            description = "The box's state directory, as given to 'appliance run' (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--unit", paramLabel = "CODE", description = "This box's unit code CCCCCC-DDD (asked for when not given).")
    String unit;

    @Option(names = "--token", description = "One-time enrolment token from the provincial office (asked for when the box is not enrolled).")
    String token;

    @Option(names = "--root-fingerprint", paramLabel = "SHA256",
            description = "SHA-256 fingerprint of the provincial root, from the provincial CA's notice (asked for when needed and"
                    + " the profile has no setup/ca-root.pem).")
    String rootFingerprint;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "The provincial CA certificates, already verified (default: setup/ca-root.pem"
            + " of the profile when it exists).")
    Path caFile;

    @Option(names = "--step", paramLabel = "NAME", split = ",",
            description = "Run only these steps (interfaces, enrol, tunnel, policy, plan, selftest); default: all, in order.")
    List<String> steps = new ArrayList<>();

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "90",
            description = "How long a step waits for the box's self-test to say its change works (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the EST server to connect, and again to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        if (waitSeconds < 1 || timeoutSeconds < 1) {
            throw new UserError("--wait and --timeout must be at least 1 second");
        }
        if (!Files.isDirectory(config)) {
            throw new UserError("--config " + config + ": no such directory");
        }
        List<SetupStep> chosen = new ArrayList<>();
        try {
            steps.forEach(s -> chosen.add(SetupStep.parse(s)));
        } catch (IllegalArgumentException e) {
            throw new UserError("--step: " + e.getMessage());
        }
        if (chosen.isEmpty()) {
            chosen.addAll(Arrays.asList(SetupStep.values()));
        }
        chosen.sort(null);
        SetupProfile profile = new SetupProfile(config, data);
        Console console = System.console();
        UnitCode u = unitCode(unit != null ? unit : ask(console, "unit code (CCCCCC-DDD)", "--unit", false));
        boolean enrolling = chosen.contains(SetupStep.ENROL) && !enrolled(profile);
        String t = token;
        List<X509Certificate> cas = List.of();
        String fingerprint = rootFingerprint;
        if (enrolling) {
            if (t == null) {
                t = ask(console, "enrolment token", "--token", true);
            }
            Path ca = caFile != null ? caFile : profile.profile().resolve("ca-root.pem");
            if (caFile != null || (fingerprint == null && Files.isRegularFile(ca))) {
                cas = caFile(ca);
            } else if (fingerprint == null) {
                fingerprint = ask(console, "SHA-256 fingerprint of the provincial root", "--root-fingerprint", false);
            }
        }
        try {
            BoxLiveness.Verdict v = BoxLiveness.judge(data, StatusFile.staleAfter(), Instant.now());
            if (v.state() != BoxLiveness.State.RUNNING) {
                throw new UserError(v.message() + ": start the box first (systemctl start egov-box)", EXIT_NOT_RUNNING, null);
            }
        } catch (IOException e) {
            throw new UserError("--data " + data + ": " + Problems.describe(e));
        }
        Setup setup = new Setup(profile, new Setup.Inputs(u, t, fingerprint, cas), Duration.ofSeconds(waitSeconds),
                Duration.ofSeconds(timeoutSeconds), System.out, Clock.systemUTC());
        return setup.run(chosen) ? ApplianceCommand.EXIT_OK : EXIT_STEP_FAILED;
    }

    private static boolean enrolled(SetupProfile profile) {
        try {
            return Setup.enrolled(profile);
        } catch (Exception e) {
            return false;
        }
    }

    private static String ask(Console console, String what, String option, boolean secret) {
        if (console == null) {
            throw new UserError("no " + what + ": give " + option + " (there is no terminal to ask on)");
        }
        String answer = secret ? new String(console.readPassword("%s: ", what)) : console.readLine("%s: ", what);
        if (answer == null || answer.isBlank()) {
            throw new UserError("no " + what + " given");
        }
        return answer.strip();
    }

    private static UnitCode unitCode(String text) {
        try {
            return UnitCode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("--unit: " + e.getMessage());
        }
    }

    private static List<X509Certificate> caFile(Path pem) {
        String where = "--ca-file " + pem;
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                out.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw new UserError(where + ": " + (Files.exists(pem) ? "cannot be read (" + Problems.describe(e) + ")" : "no such file"));
        } catch (CertificateException e) {
            throw new UserError(where + ": not PEM or DER certificates (" + Problems.describe(e) + ")");
        }
        if (out.isEmpty()) {
            throw new UserError(where + ": holds no certificate");
        }
        return out;
    }
}
