package cn.egov.pki.est;

import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolment and renewal of the box: key pair made here, request signed here, certificate from
 * the provincial CA over EST, everything stored in the {@link BoxKeyStore}. What
 * {@code appliance enrol} and the renewal timer run.
 *
 * <p>The token is spent when the CA issues the certificate, so a first enrolment checks the box
 * first ({@link EnrolmentPreflight}: key store writable, clock within the CA's validity) and,
 * once the certificate is back, writes key and certificate to a pending file next to the key
 * store ({@value #PENDING_SUFFIX}, mode 0600, same password) before the key store itself. If the
 * key store then cannot be written, {@link #resumePending} completes the enrolment later without
 * the CA; {@link #enrol} does so by itself before it would spend a token.
 */
public final class BoxEnrolment {

    private static final Logger LOG = LoggerFactory.getLogger(BoxEnrolment.class);
    /** Appended to the key store's file name for the enrolment waiting to be stored. */
    public static final String PENDING_SUFFIX = ".pending";

    private final URI estBase;
    private final BoxKeyStore store;
    private final Clock clock;
    private final Duration timeout;

    public BoxEnrolment(URI estBase, BoxKeyStore store) {
        this(estBase, store, Clock.systemUTC(), EstClient.DEFAULT_TIMEOUT);
    }

    /**
     * @param estBase the manager's EST base; may be null when only {@link #resumePending} is used
     * @param clock   the box clock, checked against the CA certificates before enrolling
     * @param timeout for the connection to the EST server, and again for its answer
     */
    public BoxEnrolment(URI estBase, BoxKeyStore store, Clock clock, Duration timeout) {
        this.estBase = estBase;
        this.store = store;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Where a certificate that was issued but not yet stored waits, with its key. */
    public Path pendingFile() {
        return store.file().resolveSibling(store.file().getFileName() + PENDING_SUFFIX);
    }

    /**
     * First enrolment with the technician's token; trust comes from the confirmed CA certificates.
     * A pending enrolment of the same unit is completed instead, and the token is not used.
     *
     * @throws PreconditionException nothing was sent: the box cannot keep a certificate (key
     *                               store not writable, clock wrong), or a pending enrolment
     *                               of another unit is in the way
     * @throws NotStoredException    the certificate was issued but the key store not written
     */
    public BoxCredentials enrol(UnitCode unit, String token, List<X509Certificate> trustAnchors)
            throws EstException, GeneralSecurityException, IOException, PreconditionException, NotStoredException {
        Optional<BoxCredentials> pending = resumePending(unit);
        if (pending.isPresent()) {
            return pending.get();
        }
        EnrolmentPreflight preflight = new EnrolmentPreflight(clock);
        preflight.keyStoreWritable(store.file());
        preflight.clockWithin(trustAnchors);
        KeyPair keys = BoxKeyStore.newKeyPair();
        X509Certificate cert = new EstClient(estBase, trustAnchors, null, timeout)
                .simpleEnroll(CertificateRequests.forUnit(keys, unit), token);
        BoxCredentials creds = verified(keys, cert, unit, trustAnchors);
        keep(creds);
        return creds;
    }

    /**
     * Completes an enrolment whose certificate was issued but not stored: moves key and
     * certificate from {@link #pendingFile()} into the key store. Needs neither the CA nor a token.
     *
     * @param unit the unit the pending certificate must name, or null for any
     * @return the stored credentials, or empty when nothing is pending
     */
    public Optional<BoxCredentials> resumePending(UnitCode unit)
            throws IOException, GeneralSecurityException, PreconditionException, NotStoredException {
        Path file = pendingFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        BoxCredentials creds = store.at(file).load().orElseThrow(() -> new PreconditionException(
                "pending enrolment file " + file + " holds no key and certificate: remove it"));
        X509Certificate cert = creds.certificate();
        UnitCode pendingUnit = unitOf(cert);
        if (unit != null && !unit.equals(pendingUnit)) {
            throw new PreconditionException("pending enrolment file " + file + " holds the certificate of unit " + pendingUnit
                    + ", not " + unit + ": complete it with 'appliance enrol --resume', or remove the file");
        }
        if (clock.instant().isAfter(cert.getNotAfter().toInstant())) {
            throw new PreconditionException("pending enrolment file " + file + " holds a certificate that expired at "
                    + cert.getNotAfter().toInstant() + ": remove the file and enrol with a new token");
        }
        Optional<BoxCredentials> stored = storedIfReadable();
        if (stored.isPresent() && stored.get().certificate().equals(cert)) {
            removePending(file); // stored already; the pending file was left behind
            return stored;
        }
        if (stored.isPresent() && stored.get().certificate().getNotBefore().after(cert.getNotBefore())) {
            // never replace a newer certificate (a later enrolment or a renewal) with a stale one
            throw new PreconditionException("pending enrolment file " + file + " is older than the certificate in key store "
                    + store.file() + ": remove the pending file");
        }
        try {
            store.save(creds);
        } catch (IOException | GeneralSecurityException e) {
            throw new NotStoredException(cert.getSerialNumber(), store.file(), file, e);
        }
        removePending(file);
        return Optional.of(creds);
    }

    /** Renewal with a new key, authenticated by the current certificate (simplereenroll). */
    public BoxCredentials renew(BoxCredentials current) throws EstException, GeneralSecurityException, IOException {
        UnitCode unit = unitOf(current.certificate());
        KeyPair keys = BoxKeyStore.newKeyPair();
        X509Certificate cert = new EstClient(estBase, current.trustAnchors(), current)
                .simpleReenroll(CertificateRequests.renewal(keys, current.certificate().getSubjectX500Principal(), unit));
        BoxCredentials creds = verified(keys, cert, unit, current.trustAnchors());
        // The current certificate stays valid: a renewal that cannot be stored is retried at the next pass.
        store.save(creds);
        return creds;
    }

    /**
     * Write-ahead: the pending file first, then the key store, then the pending file goes. If the
     * pending file cannot be written the key store is still tried (the failure may be specific).
     */
    private void keep(BoxCredentials creds) throws NotStoredException {
        Path pending = pendingFile();
        boolean kept;
        try {
            store.at(pending).save(creds);
            kept = true;
        } catch (IOException | GeneralSecurityException e) {
            kept = false;
        }
        try {
            store.save(creds);
        } catch (IOException | GeneralSecurityException e) {
            throw new NotStoredException(creds.certificate().getSerialNumber(), store.file(), kept ? pending : null, e);
        }
        if (kept) {
            removePending(pending);
        }
    }

    /** What the key store holds; empty when it cannot be read (damaged, or another password): enrolment replaces it anyway. */
    private Optional<BoxCredentials> storedIfReadable() {
        try {
            return store.load();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The key store holds the credentials now: a pending file that will not go is a warning, not a failure. */
    private static void removePending(Path pending) {
        try {
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            LOG.warn("enrolment stored, but {} could not be removed ({}); remove it by hand", pending, e.toString());
        }
    }

    private BoxCredentials verified(KeyPair keys, X509Certificate cert, UnitCode unit, List<X509Certificate> trust)
            throws GeneralSecurityException {
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new GeneralSecurityException("the CA returned a certificate for another key");
        }
        if (!unit.equals(unitOf(cert))) {
            throw new GeneralSecurityException("the CA returned a certificate for unit " + unitOf(cert) + ", not " + unit);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        for (X509Certificate ca : trust) {
            if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                cert.verify(ca.getPublicKey());
                chain.add(ca);
            }
        }
        if (chain.size() == 1) {
            throw new GeneralSecurityException("the certificate's issuer " + cert.getIssuerX500Principal().getName()
                    + " is not one of the provincial CA certificates");
        }
        return new BoxCredentials(keys.getPrivate(), chain, trust);
    }

    /** The unit code from the certificate's SAN URI {@code urn:egov:unit:<unit>}. */
    public static UnitCode unitOf(X509Certificate cert) throws GeneralSecurityException {
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> n : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(6).equals(n.get(0)) && n.get(1).toString().startsWith(CertificateRequests.UNIT_URI_PREFIX)) {
                    return UnitCode.parse(n.get(1).toString().substring(CertificateRequests.UNIT_URI_PREFIX.length()));
                }
            }
        }
        throw new GeneralSecurityException("certificate " + cert.getSubjectX500Principal().getName() + " names no unit (SAN URI "
                + CertificateRequests.UNIT_URI_PREFIX + "...)");
    }
}
