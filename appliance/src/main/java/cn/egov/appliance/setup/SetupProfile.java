package cn.egov.appliance.setup;

import cn.egov.appliance.config.ConfigEntry;
import cn.egov.appliance.config.ConfigFileException;
import cn.egov.appliance.config.ConfigFileParser;
import cn.egov.appliance.launch.BoxRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration directory of the box and its setup profile: {@code <config>/setup/}, the
 * province's configuration files that need the box's certificate ({@code cn.egov.vpn.tunnel.cfg},
 * {@code cn.egov.pki.mqtt.cfg}, {@code cn.egov.telemetry.cfg} with the {@code ssl://} broker,
 * {@code cn.egov.isolation.*.cfg}, {@code cn.egov.addressplan.cfg}). The launcher reads only the top
 * of the directory, so the profile does nothing until {@code appliance setup} installs its files
 * there, each at its step.
 */
public final class SetupProfile {
    public static final String PROFILE_DIR = "setup";

    private final Path config;
    private final Path data;
    private final Path profile;
    private final ConfigFileParser parser;

    public SetupProfile(Path config, Path data) {
        this.config = config.toAbsolutePath().normalize();
        this.data = data.toAbsolutePath().normalize();
        this.profile = this.config.resolve(PROFILE_DIR);
        this.parser = new ConfigFileParser(BoxRuntime.variables(this.data));
    }

    public Path config() {
        return config;
    }

    public Path data() {
        return data;
    }

    public Path profile() {
        return profile;
    }

    /** The installed file of a PID. */
    public Path installed(String pid) {
        return config.resolve(pid + ConfigFileParser.EXTENSION);
    }

    /** The profile's file of a PID, when the profile has one. */
    public Optional<Path> staged(String pid) {
        Path p = profile.resolve(pid + ConfigFileParser.EXTENSION);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The profile's file of a PID; a step that needs it fails with this sentence when it is missing. */
    public Path requireStaged(String pid) throws SetupException {
        return staged(pid).orElseThrow(() -> new SetupException("the setup profile has no " + pid + ConfigFileParser.EXTENSION
                + " (in " + profile + "): the province's package provides it; reinstall the package or ask the provincial office"));
    }

    /**
     * The values of a PID ({@code ${data}} expanded): the profile's file when it has one, else the
     * installed one, else none.
     */
    public Map<String, String> values(String pid) throws SetupException {
        Optional<Path> file = staged(pid).or(() -> Optional.of(installed(pid)).filter(Files::isRegularFile));
        if (file.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, String> out = new LinkedHashMap<>();
            for (ConfigEntry e : parser.parse(file.get()).entries()) {
                out.put(e.key(), e.value());
            }
            return out;
        } catch (ConfigFileException e) {
            throw new SetupException(e.getMessage());
        } catch (IOException e) {
            throw new SetupException(file.get() + ": cannot be read: " + e.getMessage());
        }
    }

    /** The text of a file, or null when it does not exist. */
    static String text(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }
}
