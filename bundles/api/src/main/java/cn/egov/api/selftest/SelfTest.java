package cn.egov.api.selftest;

import java.util.Objects;

/**
 * One check of the box's self-test, registered by any bundle as an OSGi service (whiteboard):
 * the console's self-test page runs every registered check and shows its outcome and sentence.
 * The sentence is for the technician at the box: what is wrong and how to fix it, in plain words.
 *
 * <pre>{@code
 * @Component(service = SelfTest.class)
 * public final class TunnelCheck implements SelfTest {
 *     public String name() { return "隧道 Tunnel to the backbone"; }
 *     public Result run() {
 *         return tunnel.isUp() ? Result.ok("The tunnel is up.")
 *                 : Result.fail("The tunnel is down: check the WAN cable, then run 'appliance vpn status'.");
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
     * @param outcome OK, WARN (works, but needs attention soon) or FAIL (does not work)
     * @param message one plain sentence: what is wrong and how to fix it (or what is fine)
     */
    record Result(Outcome outcome, String message) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(message, "message");
        }

        public static Result ok(String message) {
            return new Result(Outcome.OK, message);
        }

        public static Result warn(String message) {
            return new Result(Outcome.WARN, message);
        }

        public static Result fail(String message) {
            return new Result(Outcome.FAIL, message);
        }
    }
}
