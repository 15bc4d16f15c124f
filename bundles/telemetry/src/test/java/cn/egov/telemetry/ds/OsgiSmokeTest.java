package cn.egov.telemetry.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.MosquittoBroker;
import cn.egov.telemetry.RecordingSubscriber;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.TestIds;
import cn.egov.telemetry.identity.IdentitySettings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * The built bundle on Felix with SCR, ConfigAdmin and Metatype: its imports resolve (Paho and
 * sqlite-jdbc as they are), the Metatype describes both PIDs, and once configured through
 * ConfigAdmin the components activate, publish BIRTH, and publish DC when the framework stops.
 * (The full appliance runs in the appliance module's own tests.)
 */
class OsgiSmokeTest {
    private static final Set<String> BUNDLES = Set.of("org.osgi.service.component", "org.osgi.util.promise",
            "org.osgi.util.function", "org.osgi.service.log", "org.apache.felix.scr", "org.apache.felix.configadmin",
            "org.apache.felix.metatype", "org.eclipse.paho.client.mqttv3", "org.xerial.sqlite-jdbc",
            "cn.egov.edge.rules", "cn.egov.edge.api", "cn.egov.edge.telemetry");
    /** SLF4J comes from the launcher's class path (see LAB-NOTES), also as 1.7 for sqlite-jdbc. */
    private static final String SLF4J_EXPORTS = "org.slf4j;version=2.0.17,org.slf4j;version=1.7.36,"
            + "org.slf4j.spi;version=2.0.17,org.slf4j.event;version=2.0.17,org.slf4j.helpers;version=2.0.17";
    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void bundleResolvesAndComponentsRunOnFelix() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SLF4J_EXPORTS);
        config.put("ds.loglevel", "warn"); // SCR reports activation failures on stderr
        Framework framework = new FrameworkFactory().newFramework(config);
        framework.start();
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"));
             RecordingSubscriber noc = new RecordingSubscriber(broker.url(), "noc-osgi", false,
                     KuraTopic.boxFilters("hebei", TestIds.UNIT).toArray(String[]::new))) {
            BundleContext ctx = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (Path entry : bundlesOnClassPath()) {
                installed.add(ctx.installBundle("reference:" + entry.toUri()));
            }
            assertEquals(BUNDLES.size(), installed.size(), "every bundle found on the test class path: " + installed);
            for (Bundle b : installed) {
                b.start(); // throws BundleException naming any unresolved import
            }
            Bundle telemetry = installed.stream().filter(b -> b.getSymbolicName().equals("cn.egov.edge.telemetry")).findFirst().orElseThrow();
            assertEquals(Bundle.ACTIVE, telemetry.getState());

            assertEquals(Set.of(TelemetrySettings.BROKER_URL, TelemetrySettings.BROKER_ORDER, TelemetrySettings.ACCOUNT, TelemetrySettings.USERNAME,
                    TelemetrySettings.PASSWORD, TelemetrySettings.HEALTH_INTERVAL_S, TelemetrySettings.OUTBOX_PATH,
                    TelemetrySettings.OUTBOX_CAPACITY, TelemetrySettings.OUTBOX_SYNC, TelemetrySettings.OUTBOX_ALARM_INTERVAL_S,
                    TelemetrySettings.RECONNECT_MIN_MS, TelemetrySettings.RECONNECT_MAX_MS, TelemetrySettings.MAX_INFLIGHT,
                    TelemetrySettings.KEEPALIVE_S), metatypeAttributes(ctx, telemetry, TelemetrySettings.PID));
            assertEquals(Set.of(IdentitySettings.UNIT_CODE, IdentitySettings.SERIAL_NUMBER, IdentitySettings.DISPLAY_NAME),
                    metatypeAttributes(ctx, telemetry, IdentitySettings.PID));

            // Without identity configuration there is no publisher: a box must not speak as nobody.
            Thread.sleep(500);
            assertNull(anyService(ctx, "cn.egov.api.telemetry.TelemetryPublisher"));

            Map<String, String> box = TestIds.config(broker.url(), dir.resolve("outbox.db"), 3600);
            configure(ctx, IdentitySettings.PID, box);
            configure(ctx, TelemetrySettings.PID, box);

            RecordingSubscriber.Received birth = noc.next(TIMEOUT_MS);
            assertNotNull(birth, "BIRTH from the DS component");
            assertEquals(KuraTopic.birth("hebei", TestIds.UNIT).toString(), birth.topic());
            // the framework and its version, not the vendor and the OSGi specification version ("Apache Software Foundation 1.9")
            assertEquals("Apache Felix " + framework.getVersion(), birth.payload().stringMetric(BoxMetrics.OSGI_FRAMEWORK));
            assertTrue(framework.getVersion().getMajor() >= 7, framework.getVersion().toString());
            assertNotNull(anyService(ctx, "cn.egov.api.telemetry.TelemetryPublisher"));
            assertNotNull(anyService(ctx, "cn.egov.api.identity.IdentityProvider"));

            framework.stop();
            framework.waitForStop(TIMEOUT_MS);
            RecordingSubscriber.Received dc = noc.next(TIMEOUT_MS);
            assertNotNull(dc, "DC when the component deactivates");
            assertEquals(KuraTopic.disconnect("hebei", TestIds.UNIT).toString(), dc.topic());
        } finally {
            framework.stop();
            framework.waitForStop(TIMEOUT_MS);
        }
    }

    private static List<Path> bundlesOnClassPath() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String bsn = symbolicName(p);
            if (bsn != null && BUNDLES.contains(bsn.split(";")[0].trim())) {
                out.add(p);
            }
        }
        return out;
    }

    private static String symbolicName(Path p) throws IOException {
        Manifest m;
        if (Files.isDirectory(p)) {
            Path mf = p.resolve("META-INF/MANIFEST.MF");
            if (!Files.exists(mf)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(mf)) {
                m = new Manifest(in);
            }
        } else if (p.toString().endsWith(".jar") && Files.exists(p)) {
            try (JarFile jar = new JarFile(p.toFile())) {
                m = jar.getManifest();
            }
        } else {
            return null;
        }
        return m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
    }

    /** ConfigAdmin through its own class loader: the test's copy of the API is not the framework's. */
    private static void configure(BundleContext ctx, String pid, Map<String, String> values) throws Exception {
        ServiceReference<?> ref = awaitService(ctx, "org.osgi.service.cm.ConfigurationAdmin");
        Object admin = ctx.getService(ref);
        Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
        Object configuration = adminType.getMethod("getConfiguration", String.class, String.class).invoke(admin, pid, "?");
        Dictionary<String, Object> dict = new Hashtable<>(values);
        configType.getMethod("update", Dictionary.class).invoke(configuration, dict);
    }

    /**
     * A service of that type in any class space: the test's class path holds its own copies of the
     * API packages, so the assignability filter of getServiceReference would hide the framework's.
     */
    private static ServiceReference<?> anyService(BundleContext ctx, String type) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(type, null);
        return refs == null ? null : refs[0];
    }

    private static ServiceReference<?> awaitService(BundleContext ctx, String type) throws InterruptedException, InvalidSyntaxException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        ServiceReference<?> ref;
        while ((ref = anyService(ctx, type)) == null) {
            if (System.currentTimeMillis() > deadline) {
                StringBuilder states = new StringBuilder();
                for (Bundle b : ctx.getBundles()) {
                    states.append('\n').append(b.getSymbolicName()).append(" state ").append(b.getState());
                }
                throw new AssertionError("no " + type + " service; bundles:" + states);
            }
            Thread.sleep(20);
        }
        return ref;
    }

    private static Set<String> metatypeAttributes(BundleContext ctx, Bundle bundle, String pid) throws Exception {
        ServiceReference<?> ref = awaitService(ctx, "org.osgi.service.metatype.MetaTypeService");
        Object service = ctx.getService(ref);
        Bundle provider = ref.getBundle();
        Object info = provider.loadClass("org.osgi.service.metatype.MetaTypeService")
                .getMethod("getMetaTypeInformation", Bundle.class).invoke(service, bundle);
        Object ocd = provider.loadClass("org.osgi.service.metatype.MetaTypeInformation")
                .getMethod("getObjectClassDefinition", String.class, String.class).invoke(info, pid, null);
        Class<?> ocdType = provider.loadClass("org.osgi.service.metatype.ObjectClassDefinition");
        Object[] ads = (Object[]) ocdType.getMethod("getAttributeDefinitions", int.class).invoke(ocd, -1);
        Method id = provider.loadClass("org.osgi.service.metatype.AttributeDefinition").getMethod("getID");
        Set<String> ids = new java.util.TreeSet<>();
        for (Object ad : ads) {
            ids.add((String) id.invoke(ad));
        }
        return ids;
    }
}
