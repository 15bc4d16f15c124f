package cn.egov.manager.cli;

import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.hub.HubConfigGenerator;
import cn.egov.manager.hub.HubSpec;
import cn.egov.manager.hub.HubUnit;
import cn.egov.manager.hub.HubUnits;
import cn.egov.rules.plan.Zone;
import cn.egov.vpn.PlanSelectors;
import cn.egov.vpn.TunnelSpecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code manager hub-config}: the backbone hub's swanctl.conf for every unit of the address plan.
 * Prints it, or with {@code --out} writes it into the hub's swanctl folder (and links the hub's
 * key into {@code private/}); then run {@code swanctl --load-all} on the hub. Exit 0 done, 2 bad input.
 */
@Command(name = "hub-config", mixinStandardHelpOptions = true,
        description = "Generate the backbone hub's strongSwan configuration (one connection per unit of the address plan).",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {" 0:printed or written", " 2:bad input: plan, zone, address, prefix or output folder"})
public final class HubConfigCommand implements Callable<Integer> {

    @Option(names = "--plan", required = true, description = "Address plan file or folder (e.g. rules/plan)")
    Path plan;

    @Option(names = "--zone", defaultValue = "external", description = "Plan zone the backbone carries (default: ${DEFAULT-VALUE})")
    String zone;

    @Option(names = "--hub-address", required = true, description = "Address the hub listens on")
    String hubAddress;

    @Option(names = "--hub-cert", required = true, description = "Hub certificate (PEM, absolute path)")
    Path hubCert;

    @Option(names = "--hub-key", required = true, description = "Hub private key (PEM, absolute path)")
    Path hubKey;

    @Option(names = "--ca-cert", required = true, description = "Provincial CA certificate (root, issuing); repeat")
    List<Path> caCerts;

    @Option(names = "--backbone", required = true, description = "Backbone prefix offered to units (CIDR); repeat")
    List<String> backbone;

    @Option(names = "--organisation", defaultValue = CaSettings.DEFAULT_ORGANISATION,
            description = "O of box certificate subjects (CA setting; default: ${DEFAULT-VALUE})")
    String organisation;

    @Option(names = "--country", defaultValue = "CN", description = "C of box certificate subjects (default: ${DEFAULT-VALUE})")
    String country;

    @Option(names = "--out", description = "Write into this swanctl folder instead of printing")
    Path out;

    @Override
    public Integer call() {
        try {
            List<HubUnit> units = HubUnits.fromPlan(PlanSelectors.readPlan(plan), Zone.parse(zone));
            HubSpec hub = HubSpec.withDefaults(hubAddress, hubCert.toAbsolutePath(), hubKey.toAbsolutePath(),
                    caCerts.stream().map(Path::toAbsolutePath).toList(),
                    TunnelSpecs.selectors("--backbone", backbone.toArray(String[]::new)), country, organisation);
            if (out == null) {
                System.out.print(HubConfigGenerator.render(hub, units));
            } else {
                HubConfigGenerator.write(hub, units, out);
                System.out.println("wrote " + out.resolve("swanctl.conf") + " for " + units.size()
                        + " units; load it on the hub with: swanctl --load-all");
            }
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("manager hub-config: " + e.getMessage());
            return 2;
        }
    }
}
