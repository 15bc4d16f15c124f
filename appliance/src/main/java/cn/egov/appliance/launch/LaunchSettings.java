package cn.egov.appliance.launch;

import java.nio.file.Path;

/**
 * Where the box finds its parts.
 *
 * @param configDir one {@code <pid>.cfg} file per component (watched while the box runs)
 * @param dataDir   state: framework cache, native-library unpack directory, status file, stores
 * @param bundleDir the bundles to install: every jar in it that has an OSGi manifest
 */
public record LaunchSettings(Path configDir, Path dataDir, Path bundleDir) {

    public LaunchSettings {
        configDir = configDir.toAbsolutePath().normalize();
        dataDir = dataDir.toAbsolutePath().normalize();
        bundleDir = bundleDir.toAbsolutePath().normalize();
    }

    /** The OSGi framework's storage; wiped at every start because the config directory is the truth. */
    public Path frameworkStorage() {
        return dataDir.resolve("framework");
    }

    /** Where sqlite-jdbc and JNA unpack their native libraries: must allow exec. */
    public Path nativeDir() {
        return dataDir.resolve("native");
    }

    public Path statusFile() {
        return dataDir.resolve(StatusFile.NAME);
    }
}
