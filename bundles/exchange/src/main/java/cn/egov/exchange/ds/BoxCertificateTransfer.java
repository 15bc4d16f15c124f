package cn.egov.exchange.ds;

import cn.egov.api.payload.KuraPayload;
import cn.egov.exchange.service.HubTransfer;
import cn.egov.exchange.transport.HttpsHubTransfer;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The box's {@link HubTransfer} with the box certificate of the moment: before the box is enrolled
 * every transfer fails (documents for other boxes wait; same-box ones are delivered anyway), and a
 * renewed certificate is used from the next transfer on (one HTTPS client per certificate, the one it
 * replaces closed).
 */
final class BoxCertificateTransfer implements HubTransfer, AutoCloseable {

    private final URI hubUrl;
    private final Duration timeout;
    private final Supplier<Optional<BoxCredentials>> credentials;
    private BoxCredentials current;
    private HttpsHubTransfer https;
    private boolean closed;

    BoxCertificateTransfer(URI hubUrl, Duration timeout, Supplier<Optional<BoxCredentials>> credentials) {
        this.hubUrl = hubUrl;
        this.timeout = timeout;
        this.credentials = credentials;
    }

    @Override
    public Answer upload(String messageId, KuraPayload document) throws IOException {
        return client().upload(messageId, document);
    }

    @Override
    public byte[] fetch(String messageId, long maxBytes) throws IOException {
        return client().fetch(messageId, maxBytes);
    }

    private synchronized HttpsHubTransfer client() throws IOException {
        BoxCredentials c = credentials.get().orElseThrow(() ->
                new IOException("the box is not enrolled yet (appliance enrol): it has no certificate for the hub's document server"));
        if (closed) {
            throw new IOException("the exchange is stopping: no more transfers to the hub");
        }
        if (c != current) {
            HttpsHubTransfer next;
            try {
                next = new HttpsHubTransfer(hubUrl, TlsContexts.of(c), timeout);
            } catch (GeneralSecurityException e) {
                throw new IOException("the box certificate cannot be used for TLS: " + e.getMessage(), e);
            }
            if (https != null) {
                https.close(); // its requests under way finish; its watchdog thread ends with them
            }
            https = next;
            current = c;
        }
        return https;
    }

    /** Ends the HTTPS client of the moment (its watchdog thread); transfers after this fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (https != null) {
            https.close();
        }
    }
}
