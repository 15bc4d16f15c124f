package cn.egov.appliance.launch;

import cn.egov.appliance.config.ActivationCheck;
import cn.egov.appliance.config.ConfigFileParser;
import cn.egov.appliance.config.ConfigTyping;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Service Component Runtime how the components of a PID took a new configuration.
 *
 * <p>Felix SCR (2.2.12) takes a change in its ConfigurationListener, on Configuration Admin's
 * event thread, and does all of it there before returning ({@code RegionConfigurationSupport
 * .configurationEvent} → {@code SingleComponentManager.reconfigure}): it stores the new properties
 * first, then calls the {@code modified} method, or deactivates the old instance and activates a
 * new one. Between the first step and the last its DTOs show the new revision on the old instance,
 * still ACTIVE, so no reading taken meanwhile is a verdict, however long one polls. The DTOs are
 * therefore read once, after SCR has returned from the change's event ({@link ConfigEventBarrier}):
 * then FAILED_ACTIVATION with the new revision is the component's refusal, and anything else
 * (ACTIVE; SATISFIED for a delayed component; waiting for a reference) is not.
 */
final class ScrActivationCheck implements ActivationCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScrActivationCheck.class);
    /** How long a component may take to deactivate and activate before the change is kept unjudged. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;
    private final ConfigEventBarrier events;

    ScrActivationCheck(BundleContext context, ConfigurationAdmin configAdmin) {
        scr = new ServiceTracker<>(context, ServiceComponentRuntime.class, null);
        scr.open();
        events = new ConfigEventBarrier(context, configAdmin);
    }

    @Override
    public Optional<String> failure(String pid, String revision) throws InterruptedException {
        ServiceComponentRuntime runtime = scr.getService();
        if (runtime == null) {
            return Optional.empty(); // SCR not started yet (boot): it reads the configuration when it starts
        }
        int tilde = pid.indexOf(ConfigFileParser.FACTORY_SEPARATOR);
        String componentPid = tilde < 0 ? pid : pid.substring(0, tilde);
        if (runtime.getComponentDescriptionDTOs().stream().noneMatch(d -> configures(runtime, d, componentPid))) {
            return Optional.empty(); // no component to wait for
        }
        try {
            if (!events.awaitDelivery(WAIT)) {
                LOG.warn("{}: the components have not taken the change within {} s (a slow activate or deactivate?); "
                        + "kept without their verdict", pid, WAIT.toSeconds());
                return Optional.empty();
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot wait for the components to take the change ({}); kept without their verdict", pid, e.toString());
            return Optional.empty();
        }
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            if (!configures(runtime, d, componentPid)) {
                continue;
            }
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && revision.equals(c.properties.get(ConfigTyping.REVISION))) {
                    return Optional.of(d.name + ": " + StatusProbe.rootCause(String.valueOf(c.failure)));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean configures(ServiceComponentRuntime runtime, ComponentDescriptionDTO d, String componentPid) {
        return Arrays.asList(d.configurationPid).contains(componentPid) && runtime.isComponentEnabled(d);
    }

    @Override
    public void close() {
        events.close();
        scr.close();
    }
}
