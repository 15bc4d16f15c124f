package cn.egov.manager.exchange;

import java.util.List;

/**
 * Where the hub's document server listens ({@code exchange.bind}, {@code exchange.port}), its connection limit
 * ({@code exchange.max-connections}) and the
 * names in its certificate ({@code exchange.tls.dns-names}, {@code exchange.tls.ips}): the names the
 * boxes' {@code hub.url} uses.
 */
record DocumentServerSettings(String bind, int port, int maxConnections, List<String> dnsNames, List<String> ips) {

    DocumentServerSettings {
        dnsNames = List.copyOf(dnsNames);
        ips = List.copyOf(ips);
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("the document server's certificate needs a name: set exchange.tls.dns-names or exchange.tls.ips");
        }
    }
}
