package cn.egov.appliance.launch;

import java.io.IOException;
import java.time.Duration;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * Waits until Configuration Admin has delivered the configuration events fired so far to every
 * {@link ConfigurationListener}, and every listener has returned: SCR's too, which reconfigures
 * components inside its listener.
 *
 * <p>How: it updates a configuration of its own (the marker) and waits for the marker's event.
 * Felix ConfigAdmin (1.9.26, {@code ConfigurationManager.fireConfigurationEvent}) queues one task
 * per event on one thread ("CM Event Dispatcher"), and a task calls every listener of its event
 * before the next task starts; so when the marker's event reaches this listener, every listener has
 * returned from every earlier event. The specification promises only order per listener: the one
 * thread is Felix's, and the launcher always runs Felix ConfigAdmin
 * ({@link BoxRuntime#CONFIG_INFRASTRUCTURE}); {@code BoxRuntimeFelixIT} holds it to that.
 */
final class ConfigEventBarrier implements ConfigurationListener, AutoCloseable {
    /** The launcher's own configuration, changed only to queue an event behind the others; no component uses it. */
    static final String MARKER_PID = "cn.egov.appliance.launcher.event-barrier";
    private static final String SEQUENCE = "sequence";

    private final ConfigurationAdmin configAdmin;
    private final ServiceRegistration<ConfigurationListener> registration;
    private final Object deliveries = new Object();
    /** Marker updates made; guarded by this (one wait at a time, so the n-th event answers the n-th update). */
    private long sent;
    /** Marker events received; guarded by {@link #deliveries}. */
    private long delivered;
    /** The thread that delivers events: it cannot wait for itself. */
    private volatile Thread deliveryThread;

    ConfigEventBarrier(BundleContext context, ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        this.registration = context.registerService(ConfigurationListener.class, this, null);
    }

    /**
     * @return false when the events were not delivered within {@code wait} (a component's
     *     activate or deactivate is slow or stuck), or when called on the delivering thread itself
     */
    synchronized boolean awaitDelivery(Duration wait) throws IOException, InterruptedException {
        if (Thread.currentThread() == deliveryThread) {
            return false;
        }
        long ticket = sent + 1;
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(SEQUENCE, ticket);
        configAdmin.getConfiguration(MARKER_PID).update(properties);
        sent = ticket;
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (deliveries) {
            while (delivered < ticket) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                deliveries.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || !MARKER_PID.equals(event.getPid())) {
            return;
        }
        deliveryThread = Thread.currentThread();
        synchronized (deliveries) {
            delivered++;
            deliveries.notifyAll();
        }
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework stopped first
        }
    }
}
