package cn.egov.api.selftest;

import java.util.Objects;

/**
 * One check of the box's self-test, registered by any bundle as an OSGi service (whiteboard):
 * the console's self-test page runs every registered check and shows its outcome and sentence.
 * The sentence is for the technician at the box: what is wrong and how to fix it, in plain words,
 * in Chinese (what the page shows first) and in English (shown after it, and alone in the box's
 * status file, which {@code appliance status} and {@code appliance setup} print: one short line per
 * check in a terminal).
 *
 * <pre>{@code
 * @Component(service = SelfTest.class)
 * public final class TunnelCheck implements SelfTest {
 *     public String name() { return "隧道 Tunnel to the backbone"; }
 *     public Result run() {
 *         return tunnel.isUp() ? Result.ok("隧道已建立。", "The tunnel is up.")
 *                 : Result.fail("隧道未建立：检查广域网网线，然后运行 'appliance vpn status'。",
 *                         "The tunnel is down: check the WAN cable, then run 'appliance vpn status'.");
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #run()} is called on the console's request thread: keep it quick (no network waits);
 * report what the capability already knows.
 */
public interface SelfTest {

    /** What is checked, shown as the row's title (Chinese first, with English). */
    String name();

    /** Runs the check; an exception counts as {@link Outcome#FAIL} with its message. */
    Result run();

    enum Outcome { OK, WARN, FAIL }

    /**
     * One outcome with its sentence in both languages, written together where the check decides
     * (the values in it, a date or an address, appear in both).
     *
     * @param outcome OK, WARN (works, but needs attention soon) or FAIL (does not work)
     * @param chinese the sentence in Chinese: what is wrong and how to fix it (or what is fine);
     *                commands, keys and file names stay as typed
     * @param message the same sentence in English
     */
    record Result(Outcome outcome, String chinese, String message) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(chinese, "chinese");
            Objects.requireNonNull(message, "message");
        }

        public static Result ok(String chinese, String english) {
            return new Result(Outcome.OK, chinese, english);
        }

        public static Result warn(String chinese, String english) {
            return new Result(Outcome.WARN, chinese, english);
        }

        public static Result fail(String chinese, String english) {
            return new Result(Outcome.FAIL, chinese, english);
        }
    }
}
