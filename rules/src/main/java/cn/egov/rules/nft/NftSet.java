package cn.egov.rules.nft;

import java.util.List;

/**
 * A named set in the generated table.
 *
 * @param name       generated name ({@link NftNames})
 * @param type       nftables type, e.g. {@code ipv4_addr}, {@code ifname}
 * @param interval   holds prefixes or ranges ({@code flags interval})
 * @param elements   elements as nftables writes them ({@code "eth1"}, {@code 10.1.0.0/16}, {@code 8000-8080})
 * @param dynamic    filled by the data path (denial records): {@code flags dynamic,timeout}, bounded
 * @param comment    what policy element it comes from
 */
public record NftSet(String name, String type, boolean interval, List<String> elements, boolean dynamic, String comment) {
    public NftSet {
        elements = List.copyOf(elements);
    }
}
