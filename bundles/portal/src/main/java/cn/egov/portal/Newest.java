package cn.egov.portal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the newest of a burst of values to one task on an executor: whatever the rate of
 * {@link #offer}, at most one task waits in the executor's queue and one value is held. For work
 * where a newer value makes the older ones moot (the manager's index of site versions lists them
 * all; a repair repairs whatever is pending), so nothing is lost and nothing needs counting.
 */
final class Newest<T> {

    private final AtomicReference<T> waiting = new AtomicReference<>();
    private final Executor executor;
    private final Consumer<T> task;

    Newest(Executor executor, Consumer<T> task) {
        this.executor = executor;
        this.task = task;
    }

    /** Queues a run for {@code value}, or, when one waits already, gives it this value instead. */
    void offer(T value) {
        if (waiting.getAndSet(value) == null) {
            executor.execute(this::run);
        }
    }

    private void run() {
        T value = waiting.getAndSet(null);
        if (value != null) {
            task.accept(value);
        }
    }
}
