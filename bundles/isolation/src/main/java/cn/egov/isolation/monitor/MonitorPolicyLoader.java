package cn.egov.isolation.monitor;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a policy directory and the address plan and adapts them for the classifier; used by
 * {@code appliance audit} and the live monitor. Fails closed: any error in either input is a
 * {@link PolicyInputException} that lists every finding with its file and line.
 */
public final class MonitorPolicyLoader {

    /** The classifier's policy and a line that says which policy it was (name, version, hash). */
    public record Loaded(ClassificationPolicy policy, String identity) {
    }

    /** The policy, plan or unit given cannot be used; the message says why, with file and line. */
    public static final class PolicyInputException extends Exception {
        public PolicyInputException(String message) {
            super(message);
        }
    }

    private MonitorPolicyLoader() {
    }

    /**
     * @param policyDir the policy directory ({@code *.policy})
     * @param plan      the plan file or directory, or null to look in the policy directory, then in
     *                  {@code plan} next to it and next to its parent (the layout of {@code rules/})
     * @param unit      a unit code whose plan allocations place addresses in zones, or null
     */
    public static Loaded load(Path policyDir, Path plan, String unit, LocalDate day) throws PolicyInputException {
        if (!Files.isDirectory(policyDir)) {
            throw new PolicyInputException("policy directory " + policyDir + " does not exist");
        }
        // The plan is parsed on a thread of its own while the policy loads: both are cold code at a
        // command's start, and independent (appliance audit's start-up, bench/RESULTS.md "Start-up").
        // The policy's errors are still reported first.
        Path planPath;
        PolicyInputException noPlan = null;
        FutureTask<PlanParser.Result> planParse = null;
        try {
            Path found = plan != null ? plan : findPlan(policyDir);
            planPath = found;
            planParse = new FutureTask<>(() -> {
                warmDigest();
                return PlanParser.forHebei().parse(found);
            });
            Thread parser = new Thread(planParse, "plan-parse");
            parser.setDaemon(true);
            parser.start();
        } catch (PolicyInputException e) {
            noPlan = e;
            planPath = null;
        }
        PolicyLoad load = PolicyLoader.load(policyDir, day);
        if (!load.ok()) {
            throw new PolicyInputException("policy " + policyDir + " has errors:\n  "
                    + load.errors().stream().map(Object::toString).collect(Collectors.joining("\n  ")));
        }
        IsolationPolicy policy = load.policy();
        if (noPlan != null) {
            throw noPlan;
        }
        PlanParser.Result r = parsed(planParse, planPath);
        if (!r.ok()) {
            throw new PolicyInputException("address plan " + planPath + " has errors:\n  " + r.findings().stream()
                    .filter(f -> f.severity() == PlanFinding.Severity.ERROR).map(Object::toString)
                    .collect(Collectors.joining("\n  ")));
        }
        AddressPlan addressPlan = r.plan();
        UnitCode unitCode = null;
        if (unit != null) {
            try {
                unitCode = UnitCode.parse(unit);
            } catch (IllegalArgumentException e) {
                throw new PolicyInputException("--unit " + unit + ": " + e.getMessage());
            }
        }
        try {
            ClassificationPolicy cp = PolicyModelAdapter.adapt(policy, addressPlan, unitCode, day);
            return new Loaded(cp, policy.identity());
        } catch (IllegalArgumentException e) {
            throw new PolicyInputException("policy " + policyDir + ": " + e.getMessage());
        }
    }

    /**
     * Looks up SHA-256 once, so that the security providers it needs (the JDK's provider list, the Sun
     * provider's table of services: ~7 ms in a fresh JVM) are set up on the plan's thread rather than on the
     * policy's, which needs the digest for the policy's identity and is the longer of the two.
     */
    private static void warmDigest() {
        try {
            MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // the policy's own lookup reports it
        }
    }

    private static PlanParser.Result parsed(FutureTask<PlanParser.Result> planParse, Path planPath) throws PolicyInputException {
        try {
            return planParse.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyInputException("interrupted while reading the address plan " + planPath);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new PolicyInputException("cannot read the address plan " + planPath + ": " + io.getMessage());
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Path findPlan(Path policyDir) throws PolicyInputException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(policyDir);
        Path abs = policyDir.toAbsolutePath().normalize();
        if (abs.getParent() != null) {
            candidates.add(abs.getParent().resolve("plan"));
            if (abs.getParent().getParent() != null) {
                candidates.add(abs.getParent().getParent().resolve("plan"));
            }
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                try (Stream<Path> s = Files.list(c)) {
                    if (s.anyMatch(f -> f.getFileName().toString().endsWith(PlanParser.EXTENSION))) {
                        return c;
                    }
                } catch (IOException e) {
                    // not readable: try the next place
                }
            }
        }
        throw new PolicyInputException("no address plan (*.plan) in " + candidates + "; give one with --plan");
    }
}
