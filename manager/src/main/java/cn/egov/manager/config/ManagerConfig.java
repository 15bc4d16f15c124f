package cn.egov.manager.config;

import cn.egov.manager.broker.ArtemisBroker;
import cn.egov.manager.store.Database;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The manager's configuration, read from one {@code key = value} file (UTF-8, {@code #} comments).
 * Unknown keys are errors that name file and line, except keys under {@link ConfigKey#EXTENSION_PREFIXES},
 * which other parts of the manager read through {@link #extension(String)}.
 *
 * @param source     where the values came from (file name or "defaults"), for error messages
 * @param values     the known keys' values (defaults filled in)
 * @param extensions the other parts' keys, unchecked
 */
public record ManagerConfig(String source, Map<ConfigKey, String> values, Map<String, String> extensions) {

    public ManagerConfig {
        EnumMap<ConfigKey, String> all = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            all.put(k, k.defaultValue);
        }
        all.putAll(values);
        values = Collections.unmodifiableMap(all);
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public static ManagerConfig defaults() {
        return new ManagerConfig("defaults", Map.of(), Map.of());
    }

    /**
     * Reads and validates a file; every error names {@code file:line}. Keys under the other parts'
     * prefixes ({@link ConfigKey#EXTENSION_PREFIXES}) are passed through unchecked: commands load
     * with the parts' schemas ({@link #load(Path, Collection)}).
     */
    public static ManagerConfig load(Path file) {
        return load(file, (Collection<KeySpec>) null);
    }

    /**
     * Reads and validates a file, also refusing a key under another part's prefix that is not in
     * {@code partKeys} (e.g. {@code ca.dir}); every error names {@code file:line}.
     *
     * @param partKeys every key the parts read, or null to pass their keys through unchecked
     */
    public static ManagerConfig load(Path file, Set<String> partKeys) {
        return load(file, partKeys == null ? null : partKeys.stream().map(k -> new KeySpec(k, "", "")).toList());
    }

    /**
     * Reads and validates a file against the core's keys ({@link ConfigKey}) and the parts' schemas:
     * a key under a part's prefix that its schema lacks is an error, and so is a value its check
     * refuses; each error names {@code file:line} (and the key).
     *
     * @param partKeys every key of every part, or null to pass keys under {@link ConfigKey#EXTENSION_PREFIXES} unchecked
     */
    public static ManagerConfig load(Path file, Collection<KeySpec> partKeys) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file ('manager config-keys > " + file + "' writes a sample)");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": cannot read the configuration file: permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": the configuration file is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the configuration file" + (Files.isDirectory(file) ? ": it is a folder" : ""));
        }
        Map<String, KeySpec> specs = new LinkedHashMap<>();
        Set<String> prefixes = new java.util.TreeSet<>(partKeys == null ? ConfigKey.EXTENSION_PREFIXES : List.of());
        if (partKeys != null) {
            for (KeySpec k : partKeys) {
                specs.put(k.key(), k);
                prefixes.add(k.prefix());
            }
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, String> where = new EnumMap<>(ConfigKey.class);
        Map<String, String> ext = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String at = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(at + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (ConfigKey.byKey(key).isEmpty() && prefixes.stream().anyMatch(key::startsWith)) {
                KeySpec spec = specs.get(key);
                if (partKeys != null && spec == null) {
                    throw new ConfigException(at + ": unknown key '" + key + "' (see 'manager config-keys')");
                }
                if (ext.put(key, value) != null) {
                    throw new ConfigException(at + ": key '" + key + "' is set twice");
                }
                String problem = spec == null ? null : spec.check().problem(value);
                if (problem != null) {
                    throw new ConfigException(at + ": " + key + " " + problem);
                }
                continue;
            }
            ConfigKey k = ConfigKey.byKey(key).orElseThrow(() ->
                    new ConfigException(at + ": unknown key '" + key + "' (see 'manager config-keys')"));
            if (values.containsKey(k)) {
                throw new ConfigException(at + ": key '" + key + "' is set twice");
            }
            values.put(k, value);
            where.put(k, at);
        }
        ManagerConfig c = new ManagerConfig(file.toString(), values, ext);
        c.validate(k -> where.getOrDefault(k, c.source));
        return c;
    }

    /** A copy with one part's key set (tests, benchmarks); checked against the part's schema when the part reads it. */
    public ManagerConfig with(String partKey, Object value) {
        Map<String, String> ext = new LinkedHashMap<>(extensions);
        ext.put(partKey, String.valueOf(value));
        return new ManagerConfig(source, values, ext);
    }

    /** A copy with some keys replaced (tests, command-line overrides). */
    public ManagerConfig with(ConfigKey key, Object value) {
        Map<ConfigKey, String> v = new EnumMap<>(values);
        v.put(key, String.valueOf(value));
        ManagerConfig c = new ManagerConfig(source, v, extensions);
        c.validate(k -> source);
        return c;
    }

    /** @param where file and line of a key (just the source for a key left at its default) */
    private void validate(Function<ConfigKey, String> where) {
        for (ConfigKey k : List.of(ConfigKey.BROKER_PORT, ConfigKey.WEB_PORT)) {
            long p = number(k, where);
            if (p < 0 || p > 65535) {
                throw new ConfigException(where.apply(k) + ": " + k.key + " must be a port 0..65535, got " + get(k));
            }
        }
        for (ConfigKey k : List.of(ConfigKey.BROKER_TLS_PORT, ConfigKey.BROKER_NOC_PORT)) {
            if (!get(k).isBlank()) {
                long p = number(k, where);
                if (p < 0 || p > 65535) {
                    throw new ConfigException(where.apply(k) + ": " + k.key + " must be empty (no listener) or a port 0..65535, got " + get(k));
                }
            }
        }
        for (ConfigKey k : List.of(ConfigKey.DB_POOL_TIMEOUT_MS, ConfigKey.DB_POOL_IDLE_MS)) {
            long least = k == ConfigKey.DB_POOL_TIMEOUT_MS ? Database.Pool.MIN_TIMEOUT_MS : Database.Pool.MIN_IDLE_MS;
            long n = number(k, where);
            if (n < least || n > Integer.MAX_VALUE) {
                throw new ConfigException(where.apply(k) + ": " + k.key + " must be a whole number of ms from " + least + " to "
                        + Integer.MAX_VALUE + ", got " + get(k));
            }
        }
        for (ConfigKey k : List.of(ConfigKey.DB_POOL_SIZE, ConfigKey.FLEET_MISSING_FACTOR, ConfigKey.FLEET_DEFAULT_HEALTH_INTERVAL_S,
                ConfigKey.FLEET_CHECK_PERIOD_MS, ConfigKey.FLEET_SYNC_PERIOD_MS, ConfigKey.FLEET_CLOCK_SKEW_MS,
                ConfigKey.CLUSTER_LEADER_RETRY_MS, ConfigKey.BROKER_QUEUE_MAX_BYTES, ConfigKey.BROKER_CREDENTIAL_CHECK_MS,
                ConfigKey.BROKER_RABBITMQ_AUTH_QUEUE, ConfigKey.BROKER_REFUSAL_ALARM_INTERVAL_S, ConfigKey.AUTH_THROTTLE_MAX_FAILURES,
                ConfigKey.AUTH_THROTTLE_WINDOW_S, ConfigKey.WEB_SESSION_IDLE_MIN, ConfigKey.WEB_SESSION_MAX_HOURS, ConfigKey.WEB_SESSION_MAX,
                ConfigKey.BROKER_MAX_CONNECTIONS, ConfigKey.BROKER_NOC_MAX_CONNECTIONS)) {
            long n = number(k, where);
            if (n <= 0 || k != ConfigKey.BROKER_QUEUE_MAX_BYTES && n > Integer.MAX_VALUE) {
                throw new ConfigException(where.apply(k) + ": " + k.key + " must be a positive whole number"
                        + (k == ConfigKey.BROKER_QUEUE_MAX_BYTES ? "" : " up to " + Integer.MAX_VALUE) + ", got " + get(k));
            }
        }
        long maxPacket = number(ConfigKey.BROKER_MAX_PACKET_BYTES, where);
        if (maxPacket <= 0 || maxPacket > ArtemisBroker.MQTT_MAX_PACKET_BYTES) {
            throw new ConfigException(where.apply(ConfigKey.BROKER_MAX_PACKET_BYTES) + ": " + ConfigKey.BROKER_MAX_PACKET_BYTES.key
                    + " must be a whole number of bytes from 1 to " + ArtemisBroker.MQTT_MAX_PACKET_BYTES + ", got "
                    + get(ConfigKey.BROKER_MAX_PACKET_BYTES));
        }
        for (ConfigKey k : List.of(ConfigKey.BROKER_QUEUE_ALARM_RATIO)) {
            double r;
            try {
                r = Double.parseDouble(get(k).strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(where.apply(k) + ": " + k.key + " must be a number in (0, 1], got '" + get(k) + "'");
            }
            if (!(r > 0 && r <= 1)) {
                throw new ConfigException(where.apply(k) + ": " + k.key + " must be in (0, 1], got " + get(k));
            }
        }
        String mode = get(ConfigKey.BROKER_MODE);
        if (!mode.equals("embedded") && !mode.equals("external") && !mode.equals("rabbitmq")) {
            throw new ConfigException(where.apply(ConfigKey.BROKER_MODE) + ": broker.mode must be 'embedded', 'external' or 'rabbitmq', got '"
                    + mode + "'");
        }
        if (mode.equals("rabbitmq")) {
            if (get(ConfigKey.BROKER_AMQP_ADDRESSES).isBlank()) {
                throw new ConfigException(where.apply(ConfigKey.BROKER_MODE) + ": broker.mode=rabbitmq needs broker.amqp.addresses");
            }
            try {
                HostPort.parseList(get(ConfigKey.BROKER_AMQP_ADDRESSES));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where.apply(ConfigKey.BROKER_AMQP_ADDRESSES) + ": broker.amqp.addresses must be host:port,host:port,...: "
                        + e.getMessage());
            }
            if (get(ConfigKey.ACCOUNT).contains(".")) {
                throw new ConfigException(where.apply(ConfigKey.ACCOUNT) + ": with broker.mode=rabbitmq the account must not contain '.'"
                        + " (RabbitMQ's MQTT plugin makes it a topic level separator), got '" + get(ConfigKey.ACCOUNT) + "'");
            }
        }
        validateRabbitMqAuth(mode, where);
        if (mode.equals("external") && get(ConfigKey.BROKER_URL).isEmpty()) {
            throw new ConfigException(where.apply(ConfigKey.BROKER_MODE) + ": broker.mode=external needs broker.url");
        }
        String account = get(ConfigKey.ACCOUNT);
        if (account.isEmpty() || account.contains("/") || account.contains("+") || account.contains("#")) {
            throw new ConfigException(where.apply(ConfigKey.ACCOUNT) + ": account must be one topic level, got '" + account + "'");
        }
    }

    /** The RabbitMQ auth endpoint's keys: all or nothing, each value one clear line. */
    private void validateRabbitMqAuth(String mode, Function<ConfigKey, String> where) {
        ConfigKey port = ConfigKey.BROKER_RABBITMQ_AUTH_PORT;
        if (get(port).isBlank()) {
            return;
        }
        if (!mode.equals("rabbitmq")) {
            throw new ConfigException(where.apply(port) + ": " + port.key + " is for broker.mode=rabbitmq, not '" + mode + "'");
        }
        long p = number(port, where);
        if (p < 0 || p > 65535) {
            throw new ConfigException(where.apply(port) + ": " + port.key + " must be empty (none) or a port 0..65535, got " + get(port));
        }
        for (ConfigKey k : List.of(ConfigKey.BROKER_RABBITMQ_AUTH_CLIENTS, ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS,
                ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME, ConfigKey.BROKER_RABBITMQ_MANAGEMENT_PASSWORD, ConfigKey.BROKER_USERNAME)) {
            if (get(k).isBlank()) {
                throw new ConfigException(where.apply(port) + ": " + port.key + " needs " + k.key);
            }
        }
        for (String url : get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS).split(",")) {
            try {
                URI u = new URI(url.strip());
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new URISyntaxException(url, "not http(s)://host[:port]");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(where.apply(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS) + ": "
                        + ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS.key + " must be http(s)://host[:port],...: '" + url.strip() + "'");
            }
        }
        String admin = get(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME);
        if (UnitCode.isValid(admin) || admin.equals(get(ConfigKey.BROKER_USERNAME))) {
            throw new ConfigException(where.apply(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME) + ": "
                    + ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME.key + " must be neither a unit code nor broker.username, got '" + admin + "'");
        }
    }

    private long number(ConfigKey k, Function<ConfigKey, String> where) {
        try {
            return Long.parseLong(get(k).strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(where.apply(k) + ": " + k.key + " must be a whole number, got '" + get(k) + "'");
        }
    }

    public String get(ConfigKey key) {
        return values.get(key);
    }

    public int integer(ConfigKey key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key.key + " must be an integer, got '" + get(key) + "'");
        }
    }

    public long longValue(ConfigKey key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key.key + " must be an integer, got '" + get(key) + "'");
        }
    }

    public double ratio(ConfigKey key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key.key + " must be a number, got '" + get(key) + "'");
        }
    }

    public Path dataDir() {
        return Path.of(get(ConfigKey.DATA_DIR));
    }

    public String jdbcUrl() {
        String url = get(ConfigKey.DB_URL);
        return url.isEmpty() ? "jdbc:sqlite:" + dataDir().resolve("manager.db") : url;
    }

    /**
     * A part's keys with its schema's defaults filled in, by short name ({@code dir} for {@code plan.dir}).
     * Values set in code ({@link #extensions()}) that the schema refuses are refused here, naming the source.
     */
    public Map<String, String> part(Collection<KeySpec> schema) {
        Set<String> known = new java.util.HashSet<>();
        Set<String> prefixes = new java.util.HashSet<>();
        schema.forEach(k -> {
            known.add(k.key());
            prefixes.add(k.prefix());
        });
        for (String key : extensions.keySet()) {
            if (!known.contains(key) && prefixes.stream().anyMatch(key::startsWith)) {
                throw new ConfigException(source + ": unknown key '" + key + "' (see 'manager config-keys')");
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (KeySpec k : schema) {
            String v = extensions.getOrDefault(k.key(), k.defaultValue());
            if (extensions.containsKey(k.key())) {
                String problem = k.check().problem(v);
                if (problem != null) {
                    throw new ConfigException(source + ": " + k.key() + " " + problem);
                }
            }
            m.put(k.shortKey(), v);
        }
        return m;
    }

    /** The keys under one extension prefix, e.g. {@code extension("ca")}, with the prefix removed. */
    public Map<String, String> extension(String prefix) {
        String p = prefix.endsWith(".") ? prefix : prefix + ".";
        Map<String, String> m = new LinkedHashMap<>();
        extensions.forEach((k, v) -> {
            if (k.startsWith(p)) {
                m.put(k.substring(p.length()), v);
            }
        });
        return m;
    }
}
