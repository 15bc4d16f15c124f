package cn.egov.manager.duty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a report goes to while nobody acknowledges it, in the manner of PagerDuty's and Grafana
 * OnCall's escalation chains: an ordered list of steps, each with how long the report waits there;
 * when a wait passes the report moves to the next step and the NOC is alarmed; after the last step
 * the alarm repeats {@code repeats} more times, each after the last step's wait. Any duty officer
 * may acknowledge at any step; the chain says whose turn it is and whom the alarms wake.
 *
 * <pre>{@code
 * EscalationPolicy p = EscalationPolicy.parse("市值班室=10m, 省值班室=10m, 省值班带班领导=10m", 3);
 * p.steps().get(1).name();   // 省值班室
 * }</pre>
 *
 * @param steps   at least one step
 * @param repeats further alarms after the last step (0 or more)
 */
public record EscalationPolicy(List<Step> steps, int repeats) {

    /** The default chain: the city's duty office first, then the province's, then its duty lead. */
    public static final String DEFAULT_TEXT = "市值班室 city duty office=10m, 省值班室 province duty office=10m, 省值班带班领导 province duty lead=10m";
    private static final Pattern ENTRY = Pattern.compile("\\s*([^=,]+?)\\s*=\\s*(\\d{1,6})([smh])\\s*");

    /**
     * One step of the chain.
     *
     * @param name who holds the report at this step
     * @param timeout how long it waits there for an acknowledgement
     */
    public record Step(String name, Duration timeout) {
        /** The step as people read it: {@code 省值班室 10 min}, {@code 市值班室 30 s}. */
        public String label() {
            long s = timeout.toSeconds();
            return name + " " + (s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s");
        }
    }

    public EscalationPolicy {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("an escalation chain needs at least one step");
        }
        if (repeats < 0) {
            throw new IllegalArgumentException("repeats cannot be negative");
        }
    }

    /**
     * Reads {@code name=wait, name=wait, ...} (waits like {@code 90s}, {@code 10m}, {@code 1h}).
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static EscalationPolicy parse(String text, int repeats) {
        List<Step> steps = new ArrayList<>();
        for (String entry : (text == null ? "" : text).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("escalation step '" + entry.strip() + "' is not name=wait, e.g. 省值班室=10m");
            }
            long n = Long.parseLong(m.group(2));
            Duration wait = switch (m.group(3)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (wait.isZero()) {
                throw new IllegalArgumentException("escalation step '" + m.group(1) + "' must wait longer than 0");
            }
            steps.add(new Step(m.group(1), wait));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("the escalation chain is empty; e.g. " + DEFAULT_TEXT);
        }
        return new EscalationPolicy(steps, repeats);
    }

    public Step step(int index) {
        return steps.get(Math.min(index, steps.size() - 1));
    }

    public boolean isLast(int index) {
        return index >= steps.size() - 1;
    }

    /** When a report that reached step {@code index} at {@code since} is next due to escalate. */
    public Instant dueAfter(int index, Instant since) {
        return since.plus(step(index).timeout());
    }
}
