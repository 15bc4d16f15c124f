package cn.egov.manager.hub;

import cn.egov.vpn.swanctl.Revocation;
import cn.egov.vpn.swanctl.SwanctlChild;
import cn.egov.vpn.swanctl.SwanctlConfig;
import cn.egov.vpn.swanctl.SwanctlConfigWriter;
import cn.egov.vpn.swanctl.SwanctlConnection;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the backbone hub's swanctl.conf: one responder connection per unit, so that each box
 * is accepted only with its own certificate (identity {@code CN=<unit code>} from the provincial
 * CA, checked against a valid CRL: {@code revocation = strict}) and may carry only its own
 * subnets. Two units whose subnets overlap are refused, naming both, since either could then
 * draw the other's traffic.
 *
 * <pre>{@code
 * String conf = HubConfigGenerator.render(hub, List.of(
 *         new HubUnit(UnitCode.parse("130602-001"), List.of(TrafficSelector.parse("plan", "10.13.6.0/24")))));
 * }</pre>
 */
public final class HubConfigGenerator {

    private HubConfigGenerator() {
    }

    /** The connection (and child) name of a unit on the hub. */
    public static String connectionName(HubUnit unit) {
        return "unit-" + unit.unit();
    }

    /**
     * The subject a unit's box certificate carries (the CA's box profile:
     * {@code C, O, OU=<county code>, CN=<unit code>}), spelled as strongSwan matches it.
     */
    public static String boxIdentity(HubSpec hub, HubUnit unit) {
        return "C=" + hub.country() + ", O=" + hub.organisation() + ", OU=" + unit.unit().countyCode()
                + ", CN=" + unit.unit();
    }

    public static SwanctlConfig generate(HubSpec hub, List<HubUnit> units) {
        checkDisjoint(units);
        List<SwanctlConnection> connections = new ArrayList<>();
        for (HubUnit u : units) {
            String name = connectionName(u);
            SwanctlChild child = new SwanctlChild(name, hub.backbonePrefixes(), u.subnets(), hub.espProposals(),
                    SwanctlChild.StartAction.NONE, SwanctlChild.DpdAction.CLEAR, null);
            connections.add(new SwanctlConnection(name, List.of(hub.hubAddress()), List.of(), hub.hubCert(), null,
                    boxIdentity(hub, u), hub.caCerts(), Revocation.STRICT, hub.ikeProposals(), hub.dpdDelay(), null,
                    List.of(child)));
        }
        return new SwanctlConfig(connections, List.of(hub.hubKey()));
    }

    public static String render(HubSpec hub, List<HubUnit> units) {
        return SwanctlConfigWriter.render(generate(hub, units));
    }

    /** Writes the hub's swanctl.conf into its swanctl folder and links its key into {@code private/}. */
    public static void write(HubSpec hub, List<HubUnit> units, Path swanctlDir) throws IOException {
        SwanctlConfigWriter.write(generate(hub, units), swanctlDir);
    }

    private static void checkDisjoint(List<HubUnit> units) {
        Map<String, HubUnit> seen = new HashMap<>();
        List<Owned> ranges = new ArrayList<>();
        for (HubUnit u : units) {
            if (seen.put(u.unit().toString(), u) != null) {
                throw new IllegalArgumentException("unit " + u.unit() + " is listed twice for the hub");
            }
            for (TrafficSelector ts : u.subnets()) {
                Owned o = new Owned(u, ts);
                for (Owned other : ranges) {
                    if (o.overlaps(other)) {
                        throw new IllegalArgumentException("subnet " + ts + " of unit " + u.unit() + " overlaps "
                                + other.ts + " of unit " + other.unit.unit()
                                + "; each unit's tunnel must carry only its own allocation");
                    }
                }
                ranges.add(o);
            }
        }
    }

    private record Owned(HubUnit unit, TrafficSelector ts) {
        BigInteger first() {
            return new BigInteger(1, ts.address().getAddress());
        }

        BigInteger last() {
            int bits = ts.address().getAddress().length * 8;
            return first().add(BigInteger.ONE.shiftLeft(bits - ts.prefix())).subtract(BigInteger.ONE);
        }

        boolean overlaps(Owned o) {
            return ts.ipv6() == o.ts.ipv6() && first().compareTo(o.last()) <= 0 && o.first().compareTo(last()) <= 0;
        }
    }
}
