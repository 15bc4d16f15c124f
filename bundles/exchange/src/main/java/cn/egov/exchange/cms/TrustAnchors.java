package cn.egov.exchange.cms;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provincial roots a box trusts for documents and receipts, and PKIX path validation against
 * them (Bouncy Castle's validator: the JDK's cannot check SM3withSM2 signatures). Revocation is
 * not checked here: an offline box must still accept what was valid when it was signed; the PKI
 * bundle's OCSP/CRL view can be added by the caller.
 *
 * <p>A path that validated once is remembered ({@link #REMEMBERED} paths, least recently used
 * first out): the same few unit certificates sign every document and receipt, and checking their
 * chain's signatures again each time was an eighth of the exchange's CPU. A remembered path is
 * still checked for the validity period of each of its certificates at every use; the signatures
 * in it cannot change (the certificates are compared by their encoding).
 */
public final class TrustAnchors {

    /** Validated paths remembered: a province's units sign with some thousands of certificates. */
    static final int REMEMBERED = 4096;

    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final Map<List<X509Certificate>, Boolean> validated = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<X509Certificate>, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final List<X509Certificate> roots;
    private final List<X509Certificate> intermediates;
    private final Clock clock;

    public TrustAnchors(Collection<X509Certificate> roots, Clock clock) {
        this(roots, List.of(), clock);
    }

    /**
     * @param intermediates the province's issuing CAs, for certificates that travel without their
     *                      chain (the directory's encryption certificates)
     */
    public TrustAnchors(Collection<X509Certificate> roots, Collection<X509Certificate> intermediates, Clock clock) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no trusted root");
        }
        this.roots = List.copyOf(roots);
        this.intermediates = List.copyOf(intermediates);
        roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
        this.clock = clock;
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    /**
     * Validates {@code leaf} with the intermediates in {@code others} (any order, may hold unrelated
     * certificates).
     *
     * @throws GeneralSecurityException with the validator's reason
     */
    public void validate(X509Certificate leaf, Collection<X509Certificate> carried) throws GeneralSecurityException {
        List<X509Certificate> others = new ArrayList<>(carried);
        others.addAll(intermediates);
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate current = leaf;
        // build the path by issuer name: chains here are two or three long
        for (int i = 0; i < 5 && !isRoot(current); i++) {
            X509Certificate next = null;
            for (X509Certificate c : others) {
                if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal()) && !c.equals(current) && !roots.contains(c)) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            path.add(next);
            current = next;
        }
        Date now = Date.from(clock.instant());
        boolean known;
        synchronized (validated) {
            known = validated.get(path) != null;
        }
        if (known) {
            for (X509Certificate c : path) {
                c.checkValidity(now);
            }
            return;
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509", BcProvider.get());
        CertPath cp = cf.generateCertPath(path);
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(now);
        CertPathValidator.getInstance("PKIX", BcProvider.get()).validate(cp, params);
        synchronized (validated) {
            validated.put(List.copyOf(path), Boolean.TRUE);
        }
    }

    private boolean isRoot(X509Certificate c) {
        return roots.stream().anyMatch(r -> r.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
    }
}
