package cn.egov.console.api;

import java.net.URI;

/**
 * The running console, as an OSGi service (registered once it listens), with the service
 * properties {@value #PORT} (the port it listens on) and {@value #URL}.
 */
public interface ConsoleEndpoint {
    String PORT = "console.port";
    String URL = "console.url";

    /** Where the console listens, e.g. {@code https://127.0.0.1:8443/}. */
    URI uri();

    /** SHA-256 of the certificate it presents, {@code AB:CD:...}. */
    String certificateSha256();

    /** True when it presents the box certificate, false while it uses its bootstrap certificate. */
    boolean enrolled();
}
