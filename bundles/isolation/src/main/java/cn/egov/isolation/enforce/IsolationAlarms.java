package cn.egov.isolation.enforce;

import cn.egov.api.telemetry.Alarm;
import cn.egov.rules.policy.Finding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The alarms of policy enforcement: kinds, severities and evidence, in one place. */
public final class IsolationAlarms {

    /** Source of every alarm raised here. */
    public static final String SOURCE = "isolation";
    /** Traffic dropped by a never rule or a default deny. Evidence: interface, addresses, protocol, port, rule. */
    public static final String DENIED = "isolation.denied";
    /** A policy was refused (invalid, or nft refused it); the previous ruleset stays in force. */
    public static final String POLICY_REJECTED = "isolation.policy.rejected";
    /** The live table differs from the policy it was to hold (a rule, set element or chain changed by hand, the table gone). */
    public static final String POLICY_DRIFT = "isolation.policy.drift";
    /** The ruleset was re-applied after drift (raised after {@link #POLICY_DRIFT}, which names what differed). */
    public static final String POLICY_RESTORED = "isolation.policy.restored";
    /** More denials in one poll than are raised one by one. */
    public static final String DENIED_SUMMARY = "isolation.denied.summary";

    private IsolationAlarms() {
    }

    static Alarm rejected(ApplyResult r, String dir, long now) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("directory", dir);
        ev.put("policy", r.policy());
        String errors = r.findings().stream().filter(Finding::isError).limit(20).map(Finding::toString)
                .collect(Collectors.joining("\n"));
        ev.put("errors", errors);
        return new Alarm(POLICY_REJECTED, Alarm.Severity.MAJOR, SOURCE, firstLine(r.message()), ev, now);
    }

    /**
     * The live table differs from the policy it was to hold. The message names the first
     * difference, the evidence {@code differences} all of them (one per line), so that the manager
     * shows what changed without the box.
     */
    static Alarm drift(String policy, Drift d, boolean restoring, long now) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("policy", policy);
        ev.put("differences", String.join("\n", d.differences()));
        ev.put("auto_restore", Boolean.toString(restoring));
        int n = d.differences().size();
        return new Alarm(POLICY_DRIFT, Alarm.Severity.CRITICAL, SOURCE, "the firewall table differs from policy " + policy + ": "
                + d.differences().get(0) + (n > 1 ? " (and " + (n - 1) + " more difference(s))" : ""), ev, now);
    }

    static Alarm restored(ApplyResult r, long now) {
        return new Alarm(POLICY_RESTORED, r.status() == ApplyResult.Status.REJECTED ? Alarm.Severity.CRITICAL : Alarm.Severity.WARNING,
                SOURCE, r.message(), Map.of("policy", r.policy()), now);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
