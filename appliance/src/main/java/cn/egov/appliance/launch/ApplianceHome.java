package cn.egov.appliance.launch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installed distribution: {@code bin/ lib/ bundles/ config/}. The {@code appliance} script
 * passes it as {@code -Dappliance.home}; otherwise it is the parent of the {@code lib/} folder
 * holding the appliance jar.
 */
public final class ApplianceHome {
    public static final String PROPERTY = "appliance.home";

    private ApplianceHome() {
    }

    public static Optional<Path> find() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        try {
            Path jar = Path.of(ApplianceHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = jar.getParent();
            if (Files.isRegularFile(jar) && lib != null && lib.getParent() != null
                    && Files.isDirectory(lib.getParent().resolve("bundles"))) {
                return Optional.of(lib.getParent());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // not installed from a distribution; the caller asks for explicit paths
        }
        return Optional.empty();
    }

    public static Path bundles() {
        return find().map(h -> h.resolve("bundles")).orElseThrow(() -> new IllegalStateException(
                "cannot tell where the bundles are: run bin/appliance from the distribution, or pass --bundles DIR"));
    }
}
