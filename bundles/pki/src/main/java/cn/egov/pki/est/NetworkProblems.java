package cn.egov.pki.est;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Says why the EST server could not be reached, in the words a technician can act on. The JDK's
 * HTTP client wraps the real cause (often with a null message): {@code ConnectException: null}
 * for a refused connection and for an unknown host alike.
 */
final class NetworkProblems {
    private NetworkProblems() {
    }

    static String describe(IOException e, URI server, Duration timeout) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        String host = server.getHost();
        String where = host + ":" + port(server);
        for (Throwable t : chain) {
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection to " + where + " within " + seconds(timeout) + " (timeout in the TCP connect or the TLS handshake)";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof HttpTimeoutException) {
                return "no answer from " + where + " within " + seconds(timeout) + " (timeout)";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + host + " (check the URL and the box's DNS)";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SSLException) {
                return "TLS handshake with " + where + " failed: " + tlsReason(chain);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException) {
                String m = innermostMessage(chain);
                return m == null || m.toLowerCase(java.util.Locale.ROOT).contains("refused")
                        ? "connection refused by " + where + " (is the manager running, and is this its EST port?)"
                        : m + " (" + where + ")";
            }
        }
        String m = innermostMessage(chain);
        return where + ": " + (m != null ? m : e.getClass().getSimpleName());
    }

    private static String tlsReason(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid at the box's time (" + t.getMessage() + "): check the box clock";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "the server's certificate does not chain to the provincial CA certificates (" + t.getMessage() + ")";
            }
        }
        String m = innermostMessage(chain);
        // JDK wording varies: "Unsupported or unrecognized SSL message", "Unrecognized SSL message, plaintext connection?"
        if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("unrecognized ssl message")) {
            return "the server does not speak TLS on this port (" + m + ")";
        }
        return m != null ? m : chain.get(chain.size() - 1).getClass().getSimpleName();
    }

    private static String innermostMessage(List<Throwable> chain) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            String m = chain.get(i).getMessage();
            if (m != null && !m.isBlank()) {
                return m;
            }
        }
        return null;
    }

    private static int port(URI server) {
        if (server.getPort() > 0) {
            return server.getPort();
        }
        return "http".equalsIgnoreCase(server.getScheme()) ? 80 : 443;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
