package cn.egov.vpn.swanctl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One {@code connections.<name>} section of swanctl.conf: an IKEv2 peer authenticated by X.509
 * certificates.
 *
 * @param name         connection name
 * @param localAddrs   local addresses to use ({@code %any} when empty)
 * @param remoteAddrs  the peer's addresses ({@code %any} when empty: a responder)
 * @param localCert    this side's certificate (absolute path)
 * @param localId      this side's IKE identity; null to use the certificate's subject
 * @param remoteId     the identity the peer must prove (its certificate subject)
 * @param remoteCaCerts the CA certificates (root and intermediates, absolute paths) the peer's
 *                      certificate must chain to; charon loads them as trusted CAs
 * @param revocation   revocation checking of the peer's certificate
 * @param ikeProposals IKE proposals, strongest first
 * @param dpdDelay     dead-peer-detection interval
 * @param rekeyTime    when to rekey the IKE SA
 * @param children     the tunnels
 */
public record SwanctlConnection(String name, List<String> localAddrs, List<String> remoteAddrs,
                                Path localCert, String localId, String remoteId, List<Path> remoteCaCerts,
                                Revocation revocation, List<String> ikeProposals, Duration dpdDelay,
                                Duration rekeyTime, List<SwanctlChild> children) {

    public SwanctlConnection {
        SwanctlNames.check("connection", name);
        localAddrs = List.copyOf(localAddrs);
        remoteAddrs = List.copyOf(remoteAddrs);
        ikeProposals = List.copyOf(ikeProposals);
        children = List.copyOf(children);
        requireAbsolute(name, "local certificate", localCert);
        remoteCaCerts = List.copyOf(remoteCaCerts);
        if (remoteCaCerts.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "': no CA certificate to check the peer against");
        }
        for (Path ca : remoteCaCerts) {
            requireAbsolute(name, "CA certificate", ca);
        }
        if (remoteId == null || remoteId.isBlank()) {
            throw new IllegalArgumentException("connection '" + name + "': the peer's identity (remote id) is missing");
        }
        if (ikeProposals.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "' needs at least one IKE proposal");
        }
        if (children.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "' has no children (tunnels)");
        }
    }

    private static void requireAbsolute(String conn, String what, Path p) {
        if (p == null || !p.isAbsolute()) {
            throw new IllegalArgumentException("connection '" + conn + "': " + what + " must be an absolute path, got " + p);
        }
    }
}
