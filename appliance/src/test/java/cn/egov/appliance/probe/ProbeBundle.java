package cn.egov.appliance.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs {@link ProbeComponent} with a DS descriptor and a Metatype into a bundle jar. */
public final class ProbeBundle {
    public static final String PID = "cn.egov.probe";
    public static final String COMPONENT = "cn.egov.appliance.probe";
    public static final String STRICT_PID = "cn.egov.probe.strict";
    public static final String STRICT_COMPONENT = "cn.egov.appliance.probe.strict";
    private static final List<Class<?>> CLASSES = List.of(ProbeComponent.class, StrictProbeComponent.class);
    private static final List<String> RESOURCES = List.of("OSGI-INF/probe.xml", "OSGI-INF/strict.xml",
            "OSGI-INF/metatype/probe.xml");

    private ProbeBundle() {
    }

    public static Path write(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", COMPONENT);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Service-Component", RESOURCES.get(0) + "," + RESOURCES.get(1));
        main.putValue("Require-Capability",
                "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.4.0)(!(version>=2.0.0)))\"");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : CLASSES) {
                String entry = type.getName().replace('.', '/') + ".class";
                copy(out, entry, "/" + entry);
            }
            for (String resource : RESOURCES) {
                copy(out, resource, "/probe/" + resource);
            }
        }
        return jar;
    }

    private static void copy(JarOutputStream out, String entry, String resource) throws IOException {
        try (InputStream in = ProbeBundle.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
