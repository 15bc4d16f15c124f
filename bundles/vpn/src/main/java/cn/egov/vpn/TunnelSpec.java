package cn.egov.vpn;

import cn.egov.vpn.swanctl.Revocation;
import cn.egov.vpn.swanctl.SwanctlChild;
import cn.egov.vpn.swanctl.SwanctlConfig;
import cn.egov.vpn.swanctl.SwanctlConnection;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The box's tunnel into the backbone, declared: who the box is (its certificate and key), which
 * hub it talks to and what that hub must prove, and which subnets the tunnel carries. Turned into
 * swanctl.conf by {@link #toSwanctl()}; the box's IKE identity is its certificate's subject, so
 * the box cannot claim to be another unit.
 *
 * @param name         connection and child name in swanctl.conf (e.g. {@code backbone})
 * @param certFile     the box's certificate (PEM), issued by the provincial CA
 * @param keyFile      the box's private key (PEM)
 * @param caCertFiles  the provincial CA certificates (root, issuing CA) the hub's certificate must chain to
 * @param hubRevocation how the hub's certificate is checked for revocation: {@code relaxed} uses a CRL
 *                     placed in {@code x509crl/} when there is one (the box has no HTTP fetcher loaded)
 * @param hubAddress   the hub's address or name
 * @param hubId        the identity (certificate subject DN) the hub must prove
 * @param localTs      the unit's subnets, from its allocation in the address plan
 * @param remoteTs     the backbone prefixes reached through the hub
 * @param ikeProposals IKE proposals, strongest first
 * @param espProposals ESP proposals, strongest first (with a DH group: PFS on rekey)
 * @param dpdDelay     dead-peer-detection interval
 * @param ikeRekey     IKE SA rekey interval
 * @param childRekey   CHILD SA rekey interval
 */
public record TunnelSpec(String name, Path certFile, Path keyFile, List<Path> caCertFiles, Revocation hubRevocation,
                         String hubAddress, String hubId,
                         List<TrafficSelector> localTs, List<TrafficSelector> remoteTs,
                         List<String> ikeProposals, List<String> espProposals,
                         Duration dpdDelay, Duration ikeRekey, Duration childRekey) {

    /** ECDSA P-256/P-384 suites strongSwan here supports (it has no SM algorithms). */
    public static final List<String> DEFAULT_IKE_PROPOSALS =
            List.of("aes256gcm16-prfsha384-ecp384", "aes128gcm16-prfsha256-ecp256");
    public static final List<String> DEFAULT_ESP_PROPOSALS = List.of("aes256gcm16-ecp384", "aes128gcm16-ecp256");

    public TunnelSpec {
        require(name != null && !name.isBlank(), "name", "is empty");
        requireFile("cert_path", certFile);
        requireFile("key_path", keyFile);
        caCertFiles = List.copyOf(caCertFiles);
        require(!caCertFiles.isEmpty(), "ca_cert_paths", "is empty");
        for (Path ca : caCertFiles) {
            requireFile("ca_cert_paths", ca);
        }
        require(hubRevocation != null, "hub_revocation", "is missing");
        require(hubAddress != null && !hubAddress.isBlank(), "hub_address", "is empty");
        require(hubId != null && !hubId.isBlank(), "hub_id", "is empty");
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        require(!localTs.isEmpty(), "local_subnets", "is empty: the unit's allocation gives the tunnel's local subnets");
        require(!remoteTs.isEmpty(), "backbone_prefixes", "is empty: nothing would go through the tunnel");
        ikeProposals = List.copyOf(ikeProposals);
        espProposals = List.copyOf(espProposals);
        require(!ikeProposals.isEmpty(), "ike_proposals", "is empty");
        require(!espProposals.isEmpty(), "esp_proposals", "is empty");
        requirePositive("dpd_delay_s", dpdDelay);
        requirePositive("ike_rekey_s", ikeRekey);
        requirePositive("child_rekey_s", childRekey);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("tunnel setting " + field + " " + problem);
        }
    }

    private static void requireFile(String field, Path p) {
        require(p != null && p.isAbsolute(), field, "must be an absolute path, got " + p);
    }

    private static void requirePositive(String field, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(), field, "must be positive, got " + Backoff.describe(d));
    }

    /**
     * The box side of the tunnel: an initiator that sends its certificate, checks the hub's against
     * the provincial CA, traps backbone-bound traffic (so it triggers the tunnel rather than leaving
     * in clear) and leaves retrying to {@link TunnelWatcher}.
     */
    public SwanctlConfig toSwanctl() {
        SwanctlChild child = new SwanctlChild(name, localTs, remoteTs, espProposals,
                SwanctlChild.StartAction.TRAP, SwanctlChild.DpdAction.RESTART, childRekey);
        SwanctlConnection conn = new SwanctlConnection(name, List.of(), List.of(hubAddress), certFile, null, hubId,
                caCertFiles, hubRevocation, ikeProposals, dpdDelay, ikeRekey, List.of(child));
        return new SwanctlConfig(List.of(conn), List.of(keyFile));
    }
}
