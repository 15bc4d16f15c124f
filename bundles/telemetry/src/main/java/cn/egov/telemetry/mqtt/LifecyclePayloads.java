package cn.egov.telemetry.mqtt;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import java.lang.management.ManagementFactory;
import java.util.Collection;

/** Builds the BIRTH, DC and last-will payloads with Kura's metric names. */
public final class LifecyclePayloads {
    /** Kura's {@code model_id}: what kind of device this is. */
    public static final String MODEL_ID = "egov-edge-box";
    /** System property through which the appliance launcher reports the firmware (image) version. */
    public static final String FIRMWARE_PROPERTY = "egov.firmware.version";

    private final BoxIdentity identity;
    private final String osgiFramework;
    private final int healthIntervalSeconds;

    /**
     * @param osgiFramework e.g. {@code "Apache Felix 7.0.5"}, or {@code "none"} outside OSGi
     */
    public LifecyclePayloads(BoxIdentity identity, String osgiFramework, int healthIntervalSeconds) {
        this.identity = identity;
        this.osgiFramework = osgiFramework;
        this.healthIntervalSeconds = healthIntervalSeconds;
    }

    public KuraPayload birth(String brokerUrl, Collection<String> applicationIds) {
        LocalLink link = LocalLink.towards(brokerUrl);
        return KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(BoxMetrics.UPTIME, ManagementFactory.getRuntimeMXBean().getUptime())
                .metric(BoxMetrics.DISPLAY_NAME, identity.displayName())
                .metric(BoxMetrics.MODEL_ID, MODEL_ID)
                .metric(BoxMetrics.SERIAL_NUMBER, identity.serial())
                .metric(BoxMetrics.FIRMWARE_VERSION, firmwareVersion())
                .metric(BoxMetrics.OS, System.getProperty("os.name"))
                .metric(BoxMetrics.OS_VERSION, System.getProperty("os.version"))
                .metric(BoxMetrics.JVM_NAME, System.getProperty("java.vm.name"))
                .metric(BoxMetrics.JVM_VERSION, System.getProperty("java.version"))
                .metric(BoxMetrics.OSGI_FRAMEWORK, osgiFramework)
                .metric(BoxMetrics.CONNECTION_INTERFACE, link.interfaceName())
                .metric(BoxMetrics.CONNECTION_IP, link.address())
                .metric(BoxMetrics.APPLICATION_IDS, String.join(",", applicationIds))
                .metric(BoxMetrics.UNIT_CODE, identity.clientId())
                .metric(BoxMetrics.HEALTH_INTERVAL_S, healthIntervalSeconds)
                .build();
    }

    public KuraPayload disconnect() {
        return KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(BoxMetrics.UPTIME, ManagementFactory.getRuntimeMXBean().getUptime())
                .metric(BoxMetrics.UNIT_CODE, identity.clientId())
                .build();
    }

    /** The last will is fixed at connect time; its timestamp says when that connection began. */
    public KuraPayload lastWill() {
        return KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(BoxMetrics.UNIT_CODE, identity.clientId())
                .metric(BoxMetrics.DISPLAY_NAME, identity.displayName())
                .build();
    }

    /** The image's version as the launcher sets it ({@value #FIRMWARE_PROPERTY}), else this jar's, else "dev". */
    private static String firmwareVersion() {
        String v = System.getProperty(FIRMWARE_PROPERTY);
        if (v == null || v.isBlank()) {
            v = LifecyclePayloads.class.getPackage().getImplementationVersion();
        }
        return v == null ? "dev" : v;
    }
}
