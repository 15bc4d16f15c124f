package cn.egov.manager.cli;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.CaService;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code manager run --config FILE}: starts broker, ingestion, fleet registry and web; prints the fleet URL when ready. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the manager: embedded (or external) MQTT broker, ingestion into the store, fleet registry, web UI and REST API.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The manager's configuration file (keys: 'manager config-keys').")
    Path config;

    @Override
    public Integer call() throws Exception {
        ManagerConfig cfg = ManagerConfig.load(config);
        // the provincial CA (EST, CRLs, OCSP) when the file names ca.passphrase-file: manager/docs/ca.md
        CaConfig caConfig = CaConfig.configured(cfg) ? CaConfig.from(cfg) : null;
        CaService ca = caConfig == null ? null : CaService.start(caConfig);
        ManagerAssembly.Options options = ManagerAssembly.Options.defaults();
        ManagerAssembly manager = ManagerAssembly.start(cfg, ca == null ? options : options.withTlsCa(ca.ca())
                // and signs isolation policy bundles with a key it issues for that: manager/docs/policy-distribution.md
                .withPolicySigning(PolicySigningKey.loadOrIssue(ca.ca(), caConfig.dir().resolve(PolicySigningKey.FILE), caConfig.passphrase())));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            manager.close();
            if (ca != null) {
                try {
                    ca.close();
                } catch (Exception e) {
                    System.err.println("CA did not stop cleanly: " + e.getMessage());
                }
            }
            stopped.countDown();
        }, "manager-shutdown"));
        if (manager.brokerTlsUrl() != null) {
            System.out.println("broker (TLS, box certificates): " + manager.brokerTlsUrl());
        }
        if (manager.brokerNocUrl() != null) {
            System.out.println("broker (NOC, read-only, TLS + password): " + manager.brokerNocUrl());
        }
        if (manager.brokerUrl() != null) {
            System.out.println("broker: " + manager.brokerUrl() + (manager.broker() == null ? "" : "  (plain, lab only: UNSAFE)"));
        }
        System.out.println("fleet: " + manager.fleetUrl());
        if (ca != null) {
            System.out.println("ca: EST on port " + ca.estPort() + ", CRL/OCSP on port " + ca.httpPort());
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
