package cn.egov.manager.support;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A manager on free ports with its data in a test folder; API tokens for the NOC and auditors
 * (technicians are accounts bound to counties: {@link TestAccounts}). Boxes reach it on the lab
 * listener ({@code broker.plain.enabled}) with per-box passwords ({@link #labPassword}), as a lab
 * would run it: nothing connects anonymously.
 */
public final class ManagerFixture {

    public static final String NOC_TOKEN = "noc-secret-0123456789";
    public static final String AUDITOR_TOKEN = "auditor-secret-0123456789";
    /** The lab listener's password file, in the manager's data folder. */
    public static final String LAB_PASSWORDS = "lab-boxes.passwd";

    private ManagerFixture() {
    }

    public static ManagerConfig config(Path dataDir) {
        Objects.requireNonNull(dataDir, "test data folder");
        ManagerConfig c = withLabListener(ManagerConfig.defaults()
                .with(ConfigKey.DATA_DIR, dataDir)
                .with(ConfigKey.WEB_PORT, 0)
                .with(ConfigKey.FLEET_CHECK_PERIOD_MS, 200)
                .with(ConfigKey.AUTH_NOC_TOKEN, NOC_TOKEN)
                .with(ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR_TOKEN));
        // the portal part's content server on a free port too: parallel runs collided on its default 8444
        Map<String, String> ext = new LinkedHashMap<>(c.extensions());
        ext.putIfAbsent("portal.port", "0");
        return onTestStore(new ManagerConfig(c.source(), c.values(), ext), dataDir);
    }

    /** The store every test manager runs on: {@code -Degov.test.store=postgresql} for PostgreSQL, else SQLite. */
    public static final String STORE_PROPERTY = "egov.test.store";
    private static final Map<Path, String> POSTGRES_URLS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * With {@code -Degov.test.store=postgresql}, the manager of this data folder stores into a
     * database of its own in the test JVM's PostgreSQL cluster (the same one again for the same
     * folder: a restarted manager finds its data), so any manager test also runs on PostgreSQL.
     */
    public static ManagerConfig onTestStore(ManagerConfig config, Path dataDir) {
        if (!"postgresql".equals(System.getProperty(STORE_PROPERTY))) {
            return config;
        }
        try {
            PostgresServer pg = PostgresServer.shared();
            String url = POSTGRES_URLS.get(dataDir.toAbsolutePath().normalize());
            if (url == null) {
                url = pg.createDatabase();
                POSTGRES_URLS.put(dataDir.toAbsolutePath().normalize(), url);
            }
            return config.with(ConfigKey.DB_URL, url).with(ConfigKey.DB_USER, PostgresServer.USER)
                    .with(ConfigKey.DB_PASSWORD, pg.password());
        } catch (Exception e) {
            throw new IllegalStateException("no PostgreSQL for the test manager: " + e.getMessage(), e);
        }
    }

    /** The lab listener on a free port with an (empty) password file in the data folder. */
    public static ManagerConfig withLabListener(ManagerConfig config) {
        Path file = config.dataDir().resolve(LAB_PASSWORDS);
        try {
            Files.createDirectories(config.dataDir());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config.with(ConfigKey.BROKER_PORT, 0)
                .with(ConfigKey.BROKER_PLAIN_ENABLED, true)
                .with(ConfigKey.BROKER_PLAIN_PASSWORD_FILE, file);
    }

    /** The address plan of {@code rules/plan} imported at start ({@code plan.dir}): units it does not declare are refused. */
    public static ManagerConfig withPlan(ManagerConfig config) {
        Map<String, String> ext = new LinkedHashMap<>(config.extensions());
        ext.put("plan.dir", Path.of("..", "rules", "plan").toAbsolutePath().normalize().toString());
        return new ManagerConfig(config.source(), config.values(), ext);
    }

    public static ManagerAssembly start(Path dataDir) throws Exception {
        return ManagerAssembly.start(config(dataDir), ManagerAssembly.Options.defaults());
    }

    /** Issues a box of the lab listener its password: user name = client id = {@code unit}. */
    public static String labPassword(ManagerAssembly manager, String unit) {
        return labPassword(manager.context().config(), unit);
    }

    public static String labPassword(ManagerConfig config, String unit) {
        return LabPasswords.issue(Path.of(config.get(ConfigKey.BROKER_PLAIN_PASSWORD_FILE)), unit);
    }
}
