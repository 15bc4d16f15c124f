package cn.egov.appliance.update;

import java.io.IOException;
import java.time.Instant;

/** Restarts the box's runtime and tells when it is back (the real box: {@link RunningBox}). */
public interface BoxControl {

    /** Restarts the box's runtime so that it runs the installed files. */
    void restart() throws IOException;

    /**
     * Waits until the box runs {@code version} and its self-test is green, or {@code deadline}.
     *
     * @return empty when it did; else what was wrong at the deadline, in one line
     */
    java.util.Optional<String> awaitHealthy(String version, Instant deadline) throws IOException, InterruptedException;
}
