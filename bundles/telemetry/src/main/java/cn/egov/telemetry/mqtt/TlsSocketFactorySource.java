package cn.egov.telemetry.mqtt;

import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS seam: a service (for example from the PKI bundle) that supplies the socket factory with
 * the box's client certificate. It is asked at every connect, so a renewed certificate is used
 * from the next connection on.
 */
@FunctionalInterface
public interface TlsSocketFactorySource {
    SSLSocketFactory socketFactory();
}
