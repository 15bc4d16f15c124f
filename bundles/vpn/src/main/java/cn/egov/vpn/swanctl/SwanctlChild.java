package cn.egov.vpn.swanctl;

import java.time.Duration;
import java.util.List;

/**
 * One {@code children.<name>} section: which subnets the tunnel carries, and how.
 *
 * @param name         child name, also the name {@code swanctl --initiate --child} takes
 * @param localTs      local traffic selectors (this side's subnets)
 * @param remoteTs     remote traffic selectors (the other side's subnets)
 * @param espProposals ESP proposals, strongest first
 * @param startAction  what charon does when the config is loaded
 * @param dpdAction    what charon does when the peer stops answering
 * @param rekeyTime    when to rekey the CHILD SA
 */
public record SwanctlChild(String name, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs,
                           List<String> espProposals, StartAction startAction, DpdAction dpdAction,
                           Duration rekeyTime) {

    /** {@code start_action}: {@code trap} installs policies so matching traffic triggers the tunnel. */
    public enum StartAction { NONE, TRAP, START }

    /** {@code dpd_action}: {@code restart} re-establishes at once, {@code clear} closes. */
    public enum DpdAction { CLEAR, TRAP, RESTART }

    public SwanctlChild {
        SwanctlNames.check("child", name);
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        espProposals = List.copyOf(espProposals);
        if (localTs.isEmpty() || remoteTs.isEmpty()) {
            throw new IllegalArgumentException("child '" + name + "' needs local and remote traffic selectors");
        }
        if (espProposals.isEmpty()) {
            throw new IllegalArgumentException("child '" + name + "' needs at least one ESP proposal");
        }
    }
}
