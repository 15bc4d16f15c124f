package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bundles of the box: the OSGi jars of one directory, in name order. */
public final class BundleJars {
    private static final Logger LOG = LoggerFactory.getLogger(BundleJars.class);

    private BundleJars() {
    }

    public static List<BundleJar> scan(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("bundle directory " + directory + " does not exist (build with 'mvn package' or pass --bundles)");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        List<BundleJar> bundles = new ArrayList<>();
        for (Path jar : jars) {
            BundleJar.read(jar).ifPresentOrElse(bundles::add,
                    () -> LOG.info("{} is not an OSGi bundle: not installed (a library for the offline commands)", jar));
        }
        if (bundles.isEmpty()) {
            throw new IOException("no OSGi bundles in " + directory);
        }
        return bundles;
    }
}
