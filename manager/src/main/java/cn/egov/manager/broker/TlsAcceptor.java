package cn.egov.manager.broker;

import java.nio.file.Path;

/**
 * The embedded broker's MQTT-over-TLS listener: the server key store (key + certificate chain),
 * the trust store (the only CAs whose client certificates pass the handshake) and who decides on
 * the clients that present a certificate there.
 *
 * @param host               address to listen on
 * @param port               port, already chosen
 * @param keyStore           PKCS#12 file with the server key and its chain
 * @param keyStorePassword   its password
 * @param trustStore         PKCS#12 file with the trusted CA certificates
 * @param trustStorePassword its password
 * @param certificates       authenticates every client of this listener (peer chain in {@link ClientCredentials})
 */
public record TlsAcceptor(String host, int port, Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
                          ClientAuthenticator certificates) {

    public String url() {
        return "ssl://" + host + ":" + port;
    }
}
