package cn.egov.appliance.launch;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The packages the system bundle exports from the launcher's class path, for
 * {@code org.osgi.framework.system.packages.extra}. They are read from the {@code Export-Package}
 * headers of the jars themselves, so the versions always match what is on the class path.
 *
 * <ul>
 *   <li>SLF4J: API and provider live on the class path, so there is one logger factory and no
 *       ServiceLoader mediator is needed; slf4j-api's header also exports 1.7.36 for bundles that
 *       import {@code [1.7,2)} (sqlite-jdbc).</li>
 *   <li>Configuration Admin, Metatype, DS runtime, Promise and Function APIs: the launcher itself
 *       uses them (applying the config directory, reporting component states), so they must be the
 *       same classes inside and outside the framework.</li>
 * </ul>
 */
public final class SystemPackages {
    /**
     * An API the launcher shares with the bundles: a class that finds its jar, and the package
     * family to export from it (a jar may hold more, e.g. an implementation next to the API).
     */
    record SharedApi(String className, String packagePrefix, boolean launcherWins) {
        SharedApi(String className, String packagePrefix) {
            this(className, packagePrefix, false);
        }

        boolean covers(String exportClause) {
            String name = exportClause.split(";", 2)[0];
            return name.equals(packagePrefix) || name.startsWith(packagePrefix + ".");
        }
    }

    static final List<SharedApi> SHARED_APIS = List.of(
            new SharedApi("org.slf4j.Logger", "org.slf4j"),
            new SharedApi("org.osgi.service.cm.ConfigurationAdmin", "org.osgi.service.cm"),
            new SharedApi("org.osgi.service.metatype.MetaTypeService", "org.osgi.service.metatype"),
            new SharedApi("org.osgi.service.component.runtime.ServiceComponentRuntime", "org.osgi.service.component"),
            new SharedApi("org.osgi.util.promise.Promise", "org.osgi.util.promise"),
            new SharedApi("org.osgi.util.function.Function", "org.osgi.util.function"),
            // the launcher's own service for the bundles (configuration directory, log): see BoxLauncher;
            // and what it reads from them for the status: standing conditions and the self-test
            new SharedApi("cn.egov.api.launcher.BoxLauncher", "cn.egov.api.launcher", true),
            new SharedApi("cn.egov.api.selftest.SelfTest", "cn.egov.api.selftest", true));

    /**
     * Qualifier added to the version of the packages the launcher must win. The api bundle exports
     * them too, at the same version, and does not import them itself; Felix then wired some bundles
     * to the api bundle's copy (the telemetry bundle's StandingAlarms and SelfTest services were
     * invisible to the launcher: another class). A higher version makes every importer pick the
     * system bundle's export, the one class the launcher uses.
     */
    static final String LAUNCHER_QUALIFIER = "launcher";

    private SystemPackages() {
    }

    /** The value for {@code org.osgi.framework.system.packages.extra}. */
    public static String extraExports() {
        Set<String> exports = new LinkedHashSet<>();
        for (SharedApi api : SHARED_APIS) {
            exportsOfJarHolding(api.className()).stream().filter(api::covers)
                    .map(clause -> api.launcherWins() ? raisedVersion(clause) : clause).forEach(exports::add);
        }
        return String.join(",", exports);
    }

    /** {@code p;version="0.1.0"} becomes {@code p;version="0.1.0.launcher"} (a qualifier sorts above none). */
    static String raisedVersion(String clause) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("version=\"?([0-9][^\";]*)\"?").matcher(clause);
        if (!m.find()) {
            return clause + ";version=\"0.0.0." + LAUNCHER_QUALIFIER + "\"";
        }
        String[] parts = m.group(1).split("\\.", 4);
        String major = parts[0];
        String minor = parts.length > 1 ? parts[1] : "0";
        String micro = parts.length > 2 ? parts[2] : "0";
        String qualifier = parts.length > 3 ? parts[3] + "-" + LAUNCHER_QUALIFIER : LAUNCHER_QUALIFIER;
        return clause.substring(0, m.start()) + "version=\"" + major + "." + minor + "." + micro + "." + qualifier + "\""
                + clause.substring(m.end());
    }

    static List<String> exportsOfJarHolding(String className) {
        Path jar = jarOf(className);
        if (Files.isDirectory(jar)) { // a reactor build before 'package': the classes folder bnd wrote the manifest into
            try (var in = Files.newInputStream(jar.resolve("META-INF/MANIFEST.MF"))) {
                String header = new Manifest(in).getMainAttributes().getValue("Export-Package");
                if (header == null) {
                    throw new IllegalStateException(jar + " has no Export-Package header");
                }
                return packages(header);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the manifest of " + jar + ": " + e.getMessage(), e);
            }
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String header = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
            if (header == null) {
                throw new IllegalStateException(jar + " has no Export-Package header");
            }
            return packages(header);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private static Path jarOf(String className) {
        try {
            Class<?> type = Class.forName(className, false, SystemPackages.class.getClassLoader());
            CodeSource source = type.getProtectionDomain().getCodeSource();
            Path path = source == null ? null : Path.of(source.getLocation().toURI());
            if (path == null || !(Files.isRegularFile(path) || Files.isDirectory(path))) {
                throw new IllegalStateException(className + " must come from a jar on the class path, found " + path);
            }
            return path;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is missing from the launcher's class path", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reduces an {@code Export-Package} header to {@code package;attributes} clauses, one per
     * package, without directives ({@code uses:=} would only constrain the system bundle needlessly).
     */
    static List<String> packages(String header) {
        List<String> result = new ArrayList<>();
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            List<String> attributes = new ArrayList<>();
            for (String part : split(clause, ';')) {
                String p = part.strip();
                if (p.contains(":=")) {
                    continue;
                }
                if (p.contains("=")) {
                    attributes.add(p);
                } else if (!p.isEmpty()) {
                    names.add(p);
                }
            }
            for (String name : names) {
                result.add(attributes.isEmpty() ? name : name + ";" + String.join(";", attributes));
            }
        }
        return result;
    }

    /** Splits on a separator outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
