package cn.egov.appliance.setup;

import cn.egov.addressplan.IpCommandReader;
import cn.egov.addressplan.SiteCheck;
import cn.egov.addressplan.ZoneWiringCheck;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EnrolmentPreflight;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.est.EstException;
import cn.egov.pki.est.FingerprintMismatchException;
import cn.egov.pki.est.NotStoredException;
import cn.egov.pki.est.PreconditionException;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.pki.store.PemExport;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The technician's first boot, step by step, against the running box: {@link SetupStep}. Every
 * step that changes something changes configuration files only (the box's watcher applies them)
 * and waits until the box's own self-test says the change works; when it does not within the
 * wait, the files are put back as they were, so the box is as before the step, and the
 * self-test's sentence says what to fix. A step that finds its work done changes nothing: every
 * step can be run again.
 */
public final class Setup {
    public static final String IDENTITY = "cn.egov.identity";
    public static final String PKI = "cn.egov.pki";
    static final String TUNNEL = "cn.egov.vpn.tunnel";
    static final String MQTT_TLS = "cn.egov.pki.mqtt";
    static final String TELEMETRY = "cn.egov.telemetry";
    static final String SIGNED = "cn.egov.isolation.signed";
    /** How long a step taken back waits for the box to drop what the step started. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    static final String ENFORCE = "cn.egov.isolation.enforce";
    static final String PLAN = "cn.egov.addressplan";
    /** The titles of the box's self-test lines each step waits for (their Chinese names). */
    static final String CHECK_TUNNEL = "隧道";
    static final String CHECK_MQTT = "遥测";
    static final String CHECK_SIGNED = "签名策略";
    static final String CHECK_ISOLATION = "隔离策略";
    static final String CHECK_PLAN = "地址规划";
    /** The PKI bundle's Metatype default, when neither the profile nor the installed file names a key store. */
    public static final String DEFAULT_KEY_STORE = "/var/lib/egov/pki/box.p12";

    /** What the technician gives: the unit code and the token, and how to trust the provincial CA. */
    public record Inputs(UnitCode unit, String token, String rootFingerprint, List<X509Certificate> caCertificates) {
    }

    /** The outcome of one step. */
    public record Outcome(boolean ok, List<String> lines) {
        static Outcome ok(String... lines) {
            return new Outcome(true, List.of(lines));
        }

        static Outcome fail(String... lines) {
            return new Outcome(false, List.of(lines));
        }
    }

    private final SetupProfile profile;
    private final Inputs inputs;
    private final Duration wait;
    private final Duration timeout;
    private final PrintStream out;
    private final Clock clock;

    /**
     * @param wait    how long a step waits for the box's self-test to say its change works
     * @param timeout how long to wait for the EST server to connect, and again to answer
     */
    public Setup(SetupProfile profile, Inputs inputs, Duration wait, Duration timeout, PrintStream out, Clock clock) {
        this.profile = profile;
        this.inputs = inputs;
        this.wait = wait;
        this.timeout = timeout;
        this.out = out;
        this.clock = clock;
    }

    /** Runs {@code steps} in order, stopping at the first that fails; true when all succeeded. */
    public boolean run(List<SetupStep> steps) {
        Instant start = clock.instant();
        boolean ok = true;
        for (SetupStep step : steps) {
            out.printf("[%d/%d] %s%n", step.ordinal() + 1, SetupStep.values().length, step.title());
            Instant t0 = clock.instant();
            Outcome o;
            try {
                o = run(step);
            } catch (SetupException e) {
                o = Outcome.fail("FAIL " + e.getMessage());
            } catch (IOException | UncheckedIOException e) {
                o = Outcome.fail("FAIL cannot change the box's configuration: " + e.getMessage());
            }
            for (String line : o.lines()) {
                out.println("      " + line);
            }
            out.printf("      %s (%.1f s)%n", o.ok() ? "OK" : "FAILED", Duration.between(t0, clock.instant()).toMillis() / 1000.0);
            if (!o.ok()) {
                ok = false;
                if (step != SetupStep.SELFTEST) {
                    out.println("      The box is as it was before this step. Fix what is named above, then run: appliance setup --step "
                            + step.cliName() + " (and the steps after it)");
                }
                break;
            }
        }
        out.printf("setup %s in %.1f s%n", ok ? "complete" : "stopped", Duration.between(start, clock.instant()).toMillis() / 1000.0);
        return ok;
    }

    Outcome run(SetupStep step) throws SetupException, IOException {
        return switch (step) {
            case INTERFACES -> interfaces();
            case ENROL -> enrol();
            case TUNNEL -> tunnel();
            case POLICY -> policy();
            case PLAN -> plan();
            case SELFTEST -> selfTest();
        };
    }

    // --- 1. interfaces --------------------------------------------------------------------

    Outcome interfaces() throws SetupException {
        List<ZoneWiringCheck.Finding> findings = wiring();
        List<String> lines = findings.stream().map(f -> (f.blocking() ? "FAIL " : "WARN ") + f.message()).toList();
        if (findings.stream().anyMatch(ZoneWiringCheck.Finding::blocking)) {
            return new Outcome(false, lines);
        }
        List<String> all = new ArrayList<>(lines);
        all.add(0, "every port of the policy has its link, the LAN ports carry the unit's addresses, no host is on the wrong port");
        return new Outcome(true, all);
    }

    private List<ZoneWiringCheck.Finding> wiring() throws SetupException {
        Map<String, String> enforce = profile.values(ENFORCE);
        Map<String, String> plan = profile.values(PLAN);
        String policyDir = enforce.getOrDefault("policy.directory", "");
        String planPath = plan.getOrDefault("planPath", "");
        if (policyDir.isBlank() || planPath.isBlank()) {
            throw new SetupException("the setup profile names no policy directory (" + ENFORCE + ".cfg policy.directory) or no plan ("
                    + PLAN + ".cfg planPath), so the ports cannot be checked: reinstall the package or ask the provincial office");
        }
        PolicyLoad load = PolicyLoader.load(Path.of(policyDir), LocalDate.now(clock));
        if (!load.ok()) {
            throw new SetupException("the policy in " + policyDir + " is refused: "
                    + String.join("; ", load.errors().stream().limit(3).map(Object::toString).toList()));
        }
        IsolationPolicy policy = load.policy();
        AddressPlan addressPlan;
        try {
            addressPlan = SiteCheck.load(Path.of(planPath));
        } catch (IOException e) {
            throw new SetupException("the address plan " + planPath + " cannot be used: " + e.getMessage());
        }
        IpCommandReader ip = new IpCommandReader(plan.getOrDefault("ipBinary", "ip"), plan.getOrDefault("namespace", ""));
        String hub = profile.values(TUNNEL).get("hub.address");
        try {
            ZoneWiringCheck check = new ZoneWiringCheck(ZoneWiringCheck.ports(policy, addressPlan, inputs.unit()), inputs.unit().toString(), hub);
            return check.check(new ZoneWiringCheck.Site(ip.links(), ip.addresses(), ip.neighbours(), address -> {
                try {
                    return ip.routeDevice(address);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        } catch (IOException | UncheckedIOException e) {
            throw new SetupException("cannot read the box's interfaces: " + e.getMessage());
        }
    }

    // --- 2. enrolment ---------------------------------------------------------------------

    Outcome enrol() throws SetupException, IOException {
        Map<String, String> pki = profile.values(PKI);
        BoxKeyStore store = keyStore(pki);
        Optional<BoxCredentials> current = load(store);
        List<String> lines = new ArrayList<>();
        BoxCredentials creds;
        if (current.isPresent() && usable(current.get())) {
            creds = current.get();
            lines.add("already enrolled as unit " + inputs.unit() + " (serial " + serial(creds) + ", valid until "
                    + creds.certificate().getNotAfter().toInstant() + "): no token used");
        } else {
            creds = enrolWithToken(pki, store);
            lines.add("enrolled unit " + inputs.unit() + " with the provincial CA: serial " + serial(creds) + ", valid until "
                    + creds.certificate().getNotAfter().toInstant());
        }
        ConfigChanges changes = new ConfigChanges();
        Path identity = profile.installed(IDENTITY);
        String text = Optional.ofNullable(SetupProfile.text(identity)).orElse("");
        if (changes.write(identity, ConfigText.with(text, Map.of("unit.code", inputs.unit().toString()), "the box's identity"))) {
            lines.add("identity: unit.code = " + inputs.unit() + " (" + identity + ")");
        }
        Map<String, String> tunnel = profile.values(TUNNEL);
        if (tunnel.containsKey("cert.path") && tunnel.containsKey("key.path")) {
            List<Path> cas = Arrays.stream(tunnel.getOrDefault("ca.cert.paths", "").split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).map(Path::of).toList();
            PemExport.write(creds, Path.of(tunnel.get("cert.path")), Path.of(tunnel.get("key.path")), cas);
            lines.add("certificate, key and CA certificates for strongSwan: " + tunnel.get("cert.path"));
        }
        return new Outcome(true, lines);
    }

    private BoxCredentials enrolWithToken(Map<String, String> pki, BoxKeyStore store) throws SetupException {
        String est = pki.get("est.url");
        if (est == null || est.isBlank()) {
            throw new SetupException("the setup profile names no EST server (" + PKI + ".cfg est.url): reinstall the package");
        }
        if (inputs.token() == null) {
            throw new SetupException("the box is not enrolled and no token was given: run appliance setup --token TOKEN "
                    + "with the token from the provincial office");
        }
        URI manager = URI.create(est);
        BoxEnrolment enrolment = new BoxEnrolment(manager, store, clock, timeout);
        try {
            Optional<BoxCredentials> pending = enrolment.resumePending(inputs.unit());
            if (pending.isPresent()) {
                return pending.get();
            }
            EnrolmentPreflight preflight = new EnrolmentPreflight(clock);
            preflight.keyStoreWritable(store.file());
            Optional<Instant> built = EnrolmentPreflight.buildTime();
            if (built.isPresent()) {
                preflight.clockNotBefore(built.get(), "this software was built");
            }
            List<X509Certificate> cas = !inputs.caCertificates().isEmpty() ? inputs.caCertificates()
                    : EstClient.bootstrapCaCerts(manager, inputs.rootFingerprint(), timeout);
            return enrolment.enrol(inputs.unit(), inputs.token(), cas);
        } catch (PreconditionException e) {
            throw new SetupException(e.getMessage() + " (nothing was sent: the token is still unused)", e);
        } catch (FingerprintMismatchException e) {
            throw new SetupException(e.getMessage(), e);
        } catch (EstException e) {
            throw new SetupException("the provincial CA did not issue a certificate: " + e.getMessage()
                    + e.whatToDo(), e);
        } catch (NotStoredException e) {
            throw new SetupException(e.getMessage(), e);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new SetupException("key store " + store.file() + ": " + e.getMessage(), e);
        }
    }

    private BoxKeyStore keyStore(Map<String, String> pki) {
        String path = pki.getOrDefault("key.store.path", DEFAULT_KEY_STORE);
        return new BoxKeyStore(Path.of(path), pki.getOrDefault("key.store.password", "").toCharArray());
    }

    private static Optional<BoxCredentials> load(BoxKeyStore store) throws SetupException {
        try {
            return store.load();
        } catch (IOException | GeneralSecurityException e) {
            throw new SetupException("the key store " + store.file() + " cannot be read (" + e.getMessage()
                    + "): move it away and run this step again to enrol anew");
        }
    }

    /** The stored certificate is this unit's and valid now; one of another unit is refused, an expired one enrolled again. */
    private boolean usable(BoxCredentials c) throws SetupException {
        UnitCode unit;
        try {
            unit = BoxEnrolment.unitOf(c.certificate());
        } catch (GeneralSecurityException e) {
            return false;
        }
        if (!unit.equals(inputs.unit())) {
            throw new SetupException("this box is enrolled as unit " + unit + ", not " + inputs.unit()
                    + ": give --unit " + unit + ", or ask the provincial office to revoke it before enrolling it for another unit");
        }
        Instant now = clock.instant();
        return !now.isBefore(c.certificate().getNotBefore().toInstant()) && now.isBefore(c.certificate().getNotAfter().toInstant());
    }

    private static String serial(BoxCredentials c) {
        return c.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    // --- 3. tunnel ------------------------------------------------------------------------

    Outcome tunnel() throws SetupException, IOException {
        requireEnrolled();
        ConfigChanges changes = new ConfigChanges();
        install(changes, TUNNEL, Map.of());
        Optional<BoxReport.Check> up = await(r -> r.check(CHECK_TUNNEL).filter(BoxReport.Check::ok));
        if (up.isPresent()) {
            return Outcome.ok(up.get().message());
        }
        return rollBack(changes, CHECK_TUNNEL, "the tunnel did not come up within " + wait.toSeconds() + " s");
    }

    // --- 4. signed policy -----------------------------------------------------------------

    Outcome policy() throws SetupException, IOException {
        requireEnrolled();
        List<String> lines = new ArrayList<>();
        ConfigChanges changes = new ConfigChanges();
        install(changes, MQTT_TLS, Map.of());
        if (profile.staged(TELEMETRY).isPresent()) {
            install(changes, TELEMETRY, Map.of());
        }
        Optional<BoxReport.Check> mqtt = await(r -> r.check(CHECK_MQTT).filter(BoxReport.Check::ok));
        if (mqtt.isEmpty()) {
            return rollBack(changes, CHECK_MQTT, "the box did not connect to the manager's broker within " + wait.toSeconds() + " s");
        }
        lines.add(mqtt.get().message());
        // First without a local policy: nothing is in force until the manager's signed policy is.
        install(changes, SIGNED, Map.of());
        String localPolicy = profile.values(ENFORCE).getOrDefault("policy.directory", "");
        install(changes, ENFORCE, Map.of("policy.directory", ""));
        Optional<BoxReport> inForce = awaitReport(r -> r.check(CHECK_SIGNED).filter(BoxReport.Check::ok).isPresent()
                && r.check(CHECK_ISOLATION).filter(BoxReport.Check::ok).isPresent());
        if (inForce.isEmpty()) {
            return rollBack(changes, CHECK_SIGNED, "no signed policy from the manager was in force within " + wait.toSeconds()
                    + " s: ask the provincial office to publish the policy for county " + inputs.unit().toString().substring(0, 6)
                    + " (manager policy publish)");
        }
        lines.add(inForce.get().check(CHECK_SIGNED).orElseThrow().message());
        lines.add(inForce.get().check(CHECK_ISOLATION).orElseThrow().message());
        if (!localPolicy.isBlank()) {
            // now the local policy is only the fallback when the signed one cannot be restored; the
            // enforcement restarts with it and adopts the table the signed policy put in force
            install(changes, ENFORCE, Map.of());
            if (awaitReport(r -> r.check(CHECK_SIGNED).filter(BoxReport.Check::ok).isPresent()
                    && r.check(CHECK_ISOLATION).filter(BoxReport.Check::ok).isPresent()).isEmpty()) {
                return rollBack(changes, CHECK_ISOLATION, "the signed policy was not in force again within " + wait.toSeconds()
                        + " s after the local fallback policy was configured");
            }
            lines.add("local fallback policy: " + localPolicy);
        }
        return new Outcome(true, lines);
    }

    // --- 5. route guard and address plan --------------------------------------------------

    Outcome plan() throws SetupException, IOException {
        ConfigChanges changes = new ConfigChanges();
        install(changes, PLAN, Map.of("unitCode", inputs.unit().toString()));
        // WARN is "not yet" for both: the first site check has not run, the policy is being adopted after a restart
        Optional<BoxReport> checked = awaitReport(r -> r.check(CHECK_PLAN).filter(c -> !"WARN".equals(c.outcome())).isPresent()
                && r.check(CHECK_ISOLATION).filter(c -> !"WARN".equals(c.outcome())).isPresent());
        if (checked.isEmpty()) {
            return rollBack(changes, CHECK_PLAN, "the address plan check did not run within " + wait.toSeconds() + " s");
        }
        BoxReport.Check isolation = checked.get().check(CHECK_ISOLATION).orElseThrow();
        BoxReport.Check plan = checked.get().check(CHECK_PLAN).orElseThrow();
        if (isolation.ok() && plan.ok()) {
            return Outcome.ok(isolation.message(), plan.message());
        }
        changes.undo();
        List<String> lines = new ArrayList<>();
        Arrays.asList(isolation, plan).stream().filter(c -> !c.ok()).forEach(c -> lines.add("FAIL " + c.message()));
        return new Outcome(false, lines);
    }

    // --- 6. self-test ---------------------------------------------------------------------

    Outcome selfTest() throws SetupException {
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        for (ZoneWiringCheck.Finding f : wiring()) {
            lines.add((f.blocking() ? "FAIL " : "WARN ") + SetupStep.INTERFACES.title() + ": " + f.message());
            ok &= !f.blocking();
        }
        Optional<BoxCredentials> creds = load(keyStore(profile.values(PKI)));
        if (creds.isEmpty()) {
            lines.add("FAIL " + SetupStep.ENROL.title() + ": the box is not enrolled: appliance setup --step enrol --token TOKEN");
            ok = false;
        } else if (!usable(creds.get())) {
            lines.add("FAIL " + SetupStep.ENROL.title() + ": the certificate is not valid now (" + creds.get().certificate().getNotBefore().toInstant()
                    + " to " + creds.get().certificate().getNotAfter().toInstant() + "): check the box's clock (NTP, date -s), or enrol again");
            ok = false;
        } else {
            lines.add("OK " + SetupStep.ENROL.title() + ": unit " + inputs.unit() + ", serial " + serial(creds.get()) + ", valid until "
                    + creds.get().certificate().getNotAfter().toInstant());
        }
        // WARN is mostly "not yet": step 5's configuration restarts components that then restore their
        // state in the background (the signed policy in force says nothing until it is re-verified), so
        // the verdict waits for them, up to the step's wait, and then takes the box's newest report
        Optional<BoxReport> settled = awaitReport(r -> r.checks().stream().noneMatch(c -> "WARN".equals(c.outcome())));
        BoxReport report = settled.isPresent() ? settled.get() : BoxReport.read(profile.data());
        for (BoxReport.Check c : report.checks()) {
            lines.add(c.line());
            ok &= c.ok();
        }
        for (String alarm : report.alarms()) {
            lines.add("alarm " + alarm);
        }
        if (!report.healthy()) {
            lines.add("FAIL the box is not healthy: 'appliance status' lists why");
            ok = false;
        }
        return new Outcome(ok, lines);
    }

    // --- helpers --------------------------------------------------------------------------

    /** Whether the key store the profile names holds credentials (the command asks for a token only when not). */
    public static boolean enrolled(SetupProfile profile) throws SetupException {
        Map<String, String> pki = profile.values(PKI);
        BoxKeyStore store = new BoxKeyStore(Path.of(pki.getOrDefault("key.store.path", DEFAULT_KEY_STORE)),
                pki.getOrDefault("key.store.password", "").toCharArray());
        return load(store).isPresent();
    }

    private void requireEnrolled() throws SetupException {
        if (load(keyStore(profile.values(PKI))).isEmpty()) {
            throw new SetupException("the box is not enrolled yet: run appliance setup --step enrol --token TOKEN first");
        }
    }

    /** Installs the profile's file of {@code pid}, with {@code overrides} (a value "" empties the option). */
    private void install(ConfigChanges changes, String pid, Map<String, String> overrides) throws SetupException, IOException {
        String text = SetupProfile.text(profile.requireStaged(pid));
        if (!overrides.isEmpty()) {
            text = ConfigText.with(text, overrides, null);
        }
        changes.write(profile.installed(pid), text);
    }

    private Outcome rollBack(ConfigChanges changes, String check, String what) throws SetupException, IOException {
        BoxReport last = BoxReport.read(profile.data());
        changes.undo();
        // the box takes the configuration back on its own threads: wait a little for the failed check to
        // go, so that the box is as it was when setup returns (no alarm of the step left standing)
        Instant settled = clock.instant().plus(wait.compareTo(SETTLE) < 0 ? wait : SETTLE);
        while (BoxReport.read(profile.data()).check(check).filter(c -> !c.ok()).isPresent() && clock.instant().isBefore(settled)) {
            sleep();
        }
        List<String> lines = new ArrayList<>();
        lines.add("FAIL " + what + ".");
        last.check(check).filter(c -> !c.ok()).ifPresent(c -> lines.add("the box says: " + c.line()));
        return new Outcome(false, lines);
    }

    private <T> Optional<T> await(java.util.function.Function<BoxReport, Optional<T>> probe) throws SetupException {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            Optional<T> found = probe.apply(BoxReport.read(profile.data()));
            if (found.isPresent() || clock.instant().isAfter(deadline)) {
                return found;
            }
            sleep();
        }
    }

    private Optional<BoxReport> awaitReport(Predicate<BoxReport> done) throws SetupException {
        return await(r -> done.test(r) ? Optional.of(r) : Optional.empty());
    }

    private static void sleep() throws SetupException {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted");
        }
    }

    /** Option values set in a configuration file's text, comments and other lines kept. */
    static final class ConfigText {
        private ConfigText() {
        }

        static String with(String text, Map<String, String> values, String header) {
            Map<String, String> changes = new LinkedHashMap<>(values);
            List<String> out = new ArrayList<>();
            for (String line : text.split("\r?\n", -1)) {
                String s = line.strip();
                int eq = s.indexOf('=');
                String key = s.isEmpty() || s.startsWith("#") || eq < 0 ? null : s.substring(0, eq).strip();
                if (key != null && changes.containsKey(key)) {
                    out.add(key + " = " + changes.remove(key));
                } else {
                    out.add(line);
                }
            }
            while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
                out.remove(out.size() - 1);
            }
            if (out.isEmpty() && header != null) {
                out.add("# " + header);
            }
            changes.forEach((k, v) -> out.add(k + " = " + v));
            return String.join("\n", out) + "\n";
        }
    }
}
