package cn.egov.api.launcher;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The conditions that stand on the box now: alarms raised with
 * {@code TelemetryPublisher.condition(...)} (not enrolled, policy refused, tunnel down, plan
 * unreadable) and not yet cleared. The telemetry bundle registers it; the launcher reads it for
 * {@code appliance status} (not healthy while a MAJOR or CRITICAL condition stands) and the console
 * for its self-test. One-off events (a denied packet, a host outside the plan) never stand: they
 * are alarms, not conditions.
 *
 * <p>In this package because the launcher, outside the OSGi framework, reads it: the system bundle
 * exports the package, so both sides see one class.
 */
public interface StandingAlarms {

    /** Now standing, oldest first. */
    List<Standing> standing();

    /**
     * @param kind     the alarm kind, e.g. {@code isolation.policy.rejected}
     * @param severity CRITICAL, MAJOR, MINOR or WARNING
     * @param source   the capability that raised it
     * @param message  the alarm's sentence
     * @param since    ms since the epoch when it was raised (the latest raise of this kind)
     */
    record Standing(String kind, String severity, String source, String message, long since) {
        public Standing {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(severity, "severity");
            source = source == null ? "" : source;
            message = message == null ? "" : message;
        }

        /** MAJOR and CRITICAL conditions make the box unhealthy: something it must do does not work. */
        public boolean blocksHealth() {
            String s = severity.toUpperCase(Locale.ROOT);
            return s.equals("MAJOR") || s.equals("CRITICAL");
        }
    }
}
