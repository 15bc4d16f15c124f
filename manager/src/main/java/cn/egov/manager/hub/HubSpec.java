package cn.egov.manager.hub;

import cn.egov.vpn.TunnelSpec;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The backbone hub's own side: its address, credentials, the provincial CA it trusts, the
 * backbone prefixes it offers every unit, and how box identities are spelled.
 *
 * @param hubAddress       the address the hub listens on (boxes' {@code hub_address})
 * @param hubCert          the hub's certificate (absolute path), issued by the provincial CA
 * @param hubKey           the hub's private key (absolute path)
 * @param caCerts          provincial root and issuing CA certificates (absolute paths)
 * @param backbonePrefixes what the backbone offers: the hub's local traffic selectors
 * @param country          {@code C} of box certificate subjects (CA setting)
 * @param organisation     {@code O} of box certificate subjects (CA setting)
 * @param ikeProposals     IKE proposals accepted
 * @param espProposals     ESP proposals accepted
 * @param dpdDelay         dead-peer-detection interval towards boxes
 */
public record HubSpec(String hubAddress, Path hubCert, Path hubKey, List<Path> caCerts,
                      List<TrafficSelector> backbonePrefixes, String country, String organisation,
                      List<String> ikeProposals, List<String> espProposals, Duration dpdDelay) {

    public HubSpec {
        caCerts = List.copyOf(caCerts);
        backbonePrefixes = List.copyOf(backbonePrefixes);
        ikeProposals = List.copyOf(ikeProposals);
        espProposals = List.copyOf(espProposals);
        if (backbonePrefixes.isEmpty()) {
            throw new IllegalArgumentException("hub: backbone prefixes are empty; the tunnels would carry nothing");
        }
        if (country == null || country.isBlank() || organisation == null || organisation.isBlank()) {
            throw new IllegalArgumentException("hub: country and organisation of box certificates are required");
        }
    }

    /** The proposals every box uses by default. */
    public static HubSpec withDefaults(String hubAddress, Path hubCert, Path hubKey, List<Path> caCerts,
                                       List<TrafficSelector> backbonePrefixes, String country, String organisation) {
        return new HubSpec(hubAddress, hubCert, hubKey, caCerts, backbonePrefixes, country, organisation,
                TunnelSpec.DEFAULT_IKE_PROPOSALS, TunnelSpec.DEFAULT_ESP_PROPOSALS, Duration.ofSeconds(30));
    }
}
