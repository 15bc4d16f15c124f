package cn.egov.appliance.launch;

import cn.egov.appliance.config.ActivationCheck;
import cn.egov.appliance.config.ConfigFileParser;
import cn.egov.appliance.config.ConfigTyping;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Asks the Service Component Runtime how the components of a PID took a new configuration:
 * SCR applies configuration changes asynchronously, so this polls its DTOs until a component
 * reports the new revision, or gives up after {@link #WAIT} (then the change is kept).
 */
final class ScrActivationCheck implements ActivationCheck, AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(50);

    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;

    ScrActivationCheck(BundleContext context) {
        scr = new ServiceTracker<>(context, ServiceComponentRuntime.class, null);
        scr.open();
    }

    @Override
    public Optional<String> failure(String pid, String revision) throws InterruptedException {
        int tilde = pid.indexOf(ConfigFileParser.FACTORY_SEPARATOR);
        String componentPid = tilde < 0 ? pid : pid.substring(0, tilde);
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            ServiceComponentRuntime runtime = scr.getService();
            if (runtime == null) {
                return Optional.empty(); // SCR not started yet (boot): nothing runs with it yet
            }
            boolean used = false;
            for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
                if (!Arrays.asList(d.configurationPid).contains(componentPid) || !runtime.isComponentEnabled(d)) {
                    continue;
                }
                used = true;
                for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                    if (revision.equals(c.properties.get(ConfigTyping.REVISION))) {
                        if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                            return Optional.of(d.name + ": " + StatusProbe.rootCause(String.valueOf(c.failure)));
                        }
                        // SCR shows the new revision as SATISFIED before it activates an immediate
                        // component: that is no verdict yet (under load the activation, and its
                        // failure, came after this check had already accepted the change)
                        if (!(d.immediate && c.state == ComponentConfigurationDTO.SATISFIED)) {
                            return Optional.empty();
                        }
                    }
                }
            }
            if (!used) {
                return Optional.empty();
            }
            Thread.sleep(POLL.toMillis());
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        scr.close();
    }
}
