package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The box's configuration directory, applied to Configuration Admin: one file per PID. Each read
 * reconciles Configuration Admin with the directory, as swanctl does with its files: new and
 * changed files are applied, configurations whose file was deleted are deleted, and a file with an
 * error is reported and skipped, so whatever configuration it had before stays in force. An error
 * is what the Metatype rejects, or what the component itself refuses by failing to activate (then
 * the previous configuration is restored).
 */
public final class ConfigDirectory {
    /** Any bundle may use our configurations (Configuration Admin's multi-location). */
    private static final String ANY_LOCATION = "?";

    private final Path directory;
    private final ConfigurationAdmin configAdmin;
    private final SchemaLookup schemas;
    private final ActivationCheck activation;
    private final ConfigFileParser parser;
    private final ConfigTyping typing = new ConfigTyping();
    private volatile List<ConfigRefusal> problems = List.of();
    /** Files whose content a component refused, by revision: not applied again until they change. */
    private final Map<Path, ConfigFileException> refused = new java.util.HashMap<>();

    /** @param variables what {@code ${name}} stands for in values, e.g. {@code data} */
    public ConfigDirectory(Path directory, ConfigurationAdmin configAdmin, SchemaLookup schemas,
                           Map<String, String> variables, ActivationCheck activation) {
        this.directory = directory.toAbsolutePath().normalize();
        this.activation = activation;
        this.parser = new ConfigFileParser(variables);
        this.configAdmin = configAdmin;
        this.schemas = schemas;
    }

    public Path directory() {
        return directory;
    }

    /** The files rejected by the last {@link #apply()}. */
    public List<ConfigRefusal> problems() {
        return problems;
    }

    public synchronized ApplyReport apply() throws IOException {
        List<Path> files = configFiles();
        int changed = 0;
        int unchanged = 0;
        List<ConfigRefusal> rejected = new ArrayList<>();
        for (Path file : files) {
            try {
                ConfigFile parsed = parser.parse(file);
                Dictionary<String, Object> properties = typing.toProperties(parsed,
                        schemas.find(parsed.pid(), parsed.factoryName().isPresent()));
                String revision = (String) properties.get(ConfigTyping.REVISION);
                ConfigFileException refusal = refused.get(file);
                if (refusal != null && refusal.getMessage().endsWith(revisionTag(revision))) {
                    throw refusal;
                }
                refused.remove(file);
                Configuration configuration = configuration(parsed);
                Dictionary<String, Object> previous = configuration.getProperties();
                if (configuration.updateIfDifferent(properties)) {
                    changed++;
                    rejectIfComponentFails(parsed, configuration, previous, revision);
                } else {
                    unchanged++;
                }
            } catch (ConfigFileException e) {
                rejected.add(e.problem());
            } catch (IOException e) {
                rejected.add(ConfigRefusal.of(file, 0, "无法读取：" + e.getMessage(), "cannot be read: " + e.getMessage()));
            }
        }
        int removed = deleteOrphans(files);
        problems = List.copyOf(rejected);
        return new ApplyReport(files.size(), changed, unchanged, removed, rejected);
    }

    /**
     * A configuration the component refuses (it fails to activate) is taken back: the previous
     * one is restored (or, for a new file, the configuration deleted) and the file is reported,
     * at the line of the option the component's message names.
     */
    private void rejectIfComponentFails(ConfigFile file, Configuration configuration, Dictionary<String, Object> previous,
                                        String revision) throws IOException, ConfigFileException {
        String pid = configuration.getPid();
        Optional<String> failure;
        try {
            failure = activation.failure(pid, revision);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (failure.isEmpty()) {
            return;
        }
        if (previous == null) {
            configuration.delete();
        } else {
            configuration.update(previous);
        }
        Optional<ConfigEntry> named = file.entries().stream().filter(e -> namesOption(failure.get(), e.key())).findFirst();
        // the component's own reason is English only: the Chinese says who refused and quotes it
        ConfigFileException refusal = new ConfigFileException(new ConfigRefusal(file.file(),
                named.map(ConfigEntry::line).orElse(0), named.map(ConfigEntry::key).orElse(""),
                "组件拒绝了此设置：" + failure.get(), "refused by the component: " + failure.get() + revisionTag(revision)));
        refused.put(file.file(), refusal);
        throw refusal;
    }

    /** True when the message names the option as a word of its own ("level" in "level must be 0-5"). */
    static boolean namesOption(String message, String key) {
        return java.util.regex.Pattern.compile("(?<![\\w.])" + java.util.regex.Pattern.quote(key) + "(?![\\w.])")
                .matcher(message).find();
    }

    private static String revisionTag(String revision) {
        return " [revision " + revision + "]";
    }

    private List<Path> configFiles() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(ConfigFileParser.EXTENSION))
                    .filter(Files::isRegularFile)
                    .map(p -> p.toAbsolutePath().normalize())
                    .sorted()
                    .toList();
        }
    }

    private Configuration configuration(ConfigFile file) throws IOException {
        return file.factoryName().isPresent()
                ? configAdmin.getFactoryConfiguration(file.pid(), file.factoryName().get(), ANY_LOCATION)
                : configAdmin.getConfiguration(file.pid(), ANY_LOCATION);
    }

    private int deleteOrphans(List<Path> files) throws IOException {
        Set<String> present = new HashSet<>();
        files.forEach(f -> present.add(f.toString()));
        Configuration[] ours;
        try {
            ours = configAdmin.listConfigurations("(" + ConfigTyping.SOURCE_FILE + "=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter is invalid", e);
        }
        int removed = 0;
        for (Configuration c : ours == null ? new Configuration[0] : ours) {
            Object source = c.getProperties() == null ? null : c.getProperties().get(ConfigTyping.SOURCE_FILE);
            if (source instanceof String s && Path.of(s).getParent().equals(directory) && !present.contains(s)) {
                c.delete();
                removed++;
            }
        }
        return removed;
    }
}
