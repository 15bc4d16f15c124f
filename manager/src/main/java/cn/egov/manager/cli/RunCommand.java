package cn.egov.manager.cli;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.CaService;
import cn.egov.manager.ca.PlanUnitNames;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.rules.plan.Divisions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager run --config FILE}: starts broker, ingestion, fleet registry, web and (with
 * {@code ca.passphrase-file}) the CA; prints the URLs when ready. The configuration and every
 * port are checked before anything starts, so a mistake is one line and exit 2 or 3.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the manager: embedded (or external) MQTT broker, ingestion into the store, fleet registry, web UI and REST API, "
                + "and the provincial CA (EST, CRL, OCSP) when ca.passphrase-file is set.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {" 0:stopped by a signal (SIGTERM, Ctrl-C) after a clean start",
                " 2:bad configuration or command line: unknown key, bad value, missing file (one line names file, line and key)",
                CliErrors.EXIT_CANNOT_START, CliErrors.EXIT_INTERNAL})
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The manager's configuration file (keys: 'manager config-keys').")
    Path config;

    @Override
    public Integer call() throws Exception {
        ManagerConfig cfg = ConfigParts.load(config);
        // the provincial CA (EST, CRLs, OCSP) when the file names ca.passphrase-file: manager/docs/ca.md
        CaConfig caConfig = CaConfig.configured(cfg) ? CaConfig.from(cfg) : null;
        if (caConfig != null) {
            // a missing or group-readable passphrase file is a configuration error: found before anything starts
            java.util.Arrays.fill(caConfig.passphrase(), '\0');
        }
        PortCheck.requireFree(PortCheck.of(cfg, caConfig), config.toString());
        CaService ca = caConfig == null ? null
                // its CRL schedule runs as a singleton of the manager (one node of several publishes)
                : CaService.start(caConfig, new PlanUnitNames(new PlanInForce(cfg), Divisions.hebei()), false);
        ManagerAssembly manager;
        try {
            ManagerAssembly.Options options = ManagerAssembly.Options.defaults();
            manager = ManagerAssembly.start(cfg, ca == null ? options : options.withCa(ca)
                    // and signs isolation policy bundles with a key it issues for that: manager/docs/policy-distribution.md
                    .withPolicySigning(PolicySigningKey.loadOrIssue(ca.ca(), caConfig.dir().resolve(PolicySigningKey.FILE), caConfig.passphrase())));
        } catch (Exception | Error e) {
            if (ca != null) {
                ca.close();
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            manager.close();
            if (ca != null) {
                try {
                    ca.close();
                } catch (Exception e) {
                    System.err.println("manager run: the CA did not stop cleanly (" + e.getClass().getSimpleName() + ")");
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
