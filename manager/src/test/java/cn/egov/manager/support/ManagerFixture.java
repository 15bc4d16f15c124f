package cn.egov.manager.support;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import java.nio.file.Path;

/**
 * A manager on free ports with its data in a test folder; API tokens for the NOC and auditors
 * (technicians are accounts bound to counties: {@link TestAccounts}).
 */
public final class ManagerFixture {

    public static final String NOC_TOKEN = "noc-secret-0123456789";
    public static final String AUDITOR_TOKEN = "auditor-secret-0123456789";

    private ManagerFixture() {
    }

    public static ManagerConfig config(Path dataDir) {
        return ManagerConfig.defaults()
                .with(ConfigKey.DATA_DIR, java.util.Objects.requireNonNull(dataDir, "test data folder"))
                .with(ConfigKey.BROKER_PORT, 0)
                .with(ConfigKey.WEB_PORT, 0)
                .with(ConfigKey.FLEET_CHECK_PERIOD_MS, 200)
                .with(ConfigKey.AUTH_NOC_TOKEN, NOC_TOKEN)
                .with(ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR_TOKEN);
    }

    public static ManagerAssembly start(Path dataDir) throws Exception {
        return ManagerAssembly.start(config(dataDir), ManagerAssembly.Options.defaults());
    }
}
