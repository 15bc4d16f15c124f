package cn.egov.pki.check;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When to renew: at a fraction of the certificate's lifetime (two thirds by default), so that a
 * box which misses a few attempts still renews long before expiry.
 *
 * @param fraction of the lifetime after which renewal is due, in (0, 1)
 */
public record RenewalPolicy(double fraction) {

    public static final double DEFAULT_FRACTION = 2.0 / 3.0;

    public RenewalPolicy {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("renewal fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
    }

    public Instant renewAt(X509Certificate cert) {
        Instant from = cert.getNotBefore().toInstant();
        Duration life = Duration.between(from, cert.getNotAfter().toInstant());
        return from.plusMillis((long) (life.toMillis() * fraction));
    }

    public boolean due(X509Certificate cert, Instant now) {
        return !now.isBefore(renewAt(cert));
    }
}
