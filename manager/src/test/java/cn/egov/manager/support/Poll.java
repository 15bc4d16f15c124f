package cn.egov.manager.support;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a generous deadline (a bound on test time, not a speed assertion). */
public final class Poll {
    private Poll() {
    }

    public static void until(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    public static <T> void until(String what, long timeoutMs, Supplier<T> value, java.util.function.Predicate<T> ok)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        T v;
        while (!ok.test(v = value.get())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what + " (last value: " + v + ")");
            }
            Thread.sleep(20);
        }
    }
}
