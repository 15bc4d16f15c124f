package cn.egov.vpn.swanctl;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole swanctl configuration: connections plus the private keys charon must load (swanctl
 * loads keys only from its {@code private/} folder; {@link SwanctlConfigWriter#write} links them there).
 *
 * @param connections the connections, names unique
 * @param privateKeys private key files (absolute paths, PEM)
 */
public record SwanctlConfig(List<SwanctlConnection> connections, List<Path> privateKeys) {

    public SwanctlConfig {
        connections = List.copyOf(connections);
        privateKeys = List.copyOf(privateKeys);
        Set<String> names = new HashSet<>();
        for (SwanctlConnection c : connections) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("connection name '" + c.name() + "' is used twice");
            }
        }
        for (Path k : privateKeys) {
            if (!k.isAbsolute()) {
                throw new IllegalArgumentException("private key must be an absolute path, got " + k);
            }
        }
    }
}
