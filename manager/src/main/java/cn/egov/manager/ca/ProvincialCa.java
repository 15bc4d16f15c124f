package cn.egov.manager.ca;

import cn.egov.api.text.LogSafe;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The provincial CA: the only issuer of certificates in the network. A root, an online issuing
 * CA (ECDSA P-256) and an SM2 signing CA, with keys in an encrypted key store and the register
 * of issued certificates, revocations and enrolment tokens in SQLite.
 *
 * <p>Plain Java, usable from tests of other modules (the VPN tests issue their box and hub
 * certificates with it):
 * <pre>{@code
 * ProvincialCa ca = ProvincialCa.create(dir, "passphrase".toCharArray(), CaSettings.defaults("http://127.0.0.1:8081"));
 * KeyPair box = KeyPairs.p256();
 * X509Certificate boxCert = ca.issueBox(box.getPublic(), UnitCode.parse("130602-001"), "slj.bd.gov.cn");
 * KeyPair hub = KeyPairs.p256();
 * X509Certificate hubCert = ca.issueHub(hub.getPublic(), "hub.backbone.hebei.gov.cn", List.of("hub.backbone.hebei.gov.cn"), List.of("192.0.2.1"));
 * PemFiles.write(dir.resolve("ca.pem"), ca.rootCertificate());          // strongSwan x509ca/
 * PemFiles.write(dir.resolve("box.pem"), boxCert, ca.issuingCertificate()); // leaf + intermediate
 * ca.revoke(boxCert.getSerialNumber(), RevocationReason.keyCompromise);
 * PemFiles.write(dir.resolve("issuing.crl"), ca.crl());                   // strongSwan x509crl/
 * }</pre>
 *
 * <p>Box certificates: subject {@code CN=<unit code>, OU=<county code>, O=<organisation>, C=CN};
 * SAN URI {@code urn:egov:unit:<unit code>} and, when the unit has one, SAN DNS {@code <unit domain>}
 * (e.g. {@code jyj.jingxiu.gov.cn}); EKU clientAuth, plus serverAuth only with a domain (the box
 * then serves its portal mirror and console under that name); CRL distribution point and OCSP URL.
 *
 * <p>Enrolment tokens and EST issuance are checked against the address plan ({@link UnitNames}):
 * the unit must be in it, and a domain must be one the plan gives that unit. A CA opened without
 * names ({@link #open(Path, char[], CaSettings)}) refuses every token.
 *
 * <p>Thread-safe: every change is one SQLite transaction; a refused request changes nothing.
 */
public final class ProvincialCa implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProvincialCa.class);

    /** Tokens are 256 random bits, base64url without padding (43 characters). */
    private static final int TOKEN_BYTES = 32;

    /** What a CA opened without an address plan answers to every token and enrolment. */
    private static final UnitNames NO_PLAN = UnitNames.noPlan("open the CA with the address plan (PlanUnitNames)");

    private final CaSettings settings;
    private final CaKeys keys;
    private final CaDatabase db;
    private final UnitNames names;
    private final CertificateSigner signer = new CertificateSigner();
    private final SecureRandom random = new SecureRandom();

    private ProvincialCa(CaSettings settings, CaKeys keys, CaDatabase db, UnitNames names) {
        this.settings = settings;
        this.keys = keys;
        this.db = db;
        this.names = Objects.requireNonNull(names, "names");
    }

    /** Creates a new CA hierarchy in an empty (or absent) directory; it issues no tokens (no plan). */
    public static ProvincialCa create(Path dir, char[] passphrase, CaSettings settings) throws IOException, GeneralSecurityException {
        return create(dir, passphrase, settings, NO_PLAN);
    }

    /** Creates a new CA hierarchy in an empty (or absent) directory, checking units and names with {@code names}. */
    public static ProvincialCa create(Path dir, char[] passphrase, CaSettings settings, UnitNames names)
            throws IOException, GeneralSecurityException {
        requirePassphrase(passphrase);
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(CaKeys.FILE)) || Files.exists(dir.resolve(CaDatabase.FILE))) {
            throw new IOException("a CA already exists in " + dir + "; refusing to overwrite it");
        }
        CertificateSigner s = new CertificateSigner();
        KeyPair rootKeys = KeyPairs.p256();
        X509Certificate root = s.selfSignedRoot(caName(settings, "Root CA"), rootKeys, CaSettings.ROOT_LIFETIME);
        CaKeys.CaKey rootKey = new CaKeys.CaKey(rootKeys.getPrivate(), new X509Certificate[]{root});
        KeyPair issuingKeys = KeyPairs.p256();
        X509Certificate issuing = s.subordinateCa(caName(settings, "Issuing CA"), issuingKeys.getPublic(), rootKey,
                CaSettings.ISSUING_LIFETIME, null);
        KeyPair sm2Keys = KeyPairs.sm2();
        X509Certificate sm2 = s.subordinateCa(caName(settings, "SM2 Signing CA"), sm2Keys.getPublic(), rootKey,
                CaSettings.ISSUING_LIFETIME, null);
        CaKeys keys = new CaKeys(rootKey,
                new CaKeys.CaKey(issuingKeys.getPrivate(), new X509Certificate[]{issuing, root}),
                new CaKeys.CaKey(sm2Keys.getPrivate(), new X509Certificate[]{sm2, root}));
        keys.save(dir, passphrase);
        return open(dir, passphrase, settings, names);
    }

    /** Opens an existing CA; a wrong passphrase is refused with a clear error. It issues no tokens (no plan). */
    public static ProvincialCa open(Path dir, char[] passphrase, CaSettings settings) throws IOException, GeneralSecurityException {
        return open(dir, passphrase, settings, NO_PLAN);
    }

    /** Opens an existing CA that checks units and names with {@code names}; a wrong passphrase is refused. */
    public static ProvincialCa open(Path dir, char[] passphrase, CaSettings settings, UnitNames names)
            throws IOException, GeneralSecurityException {
        requirePassphrase(passphrase);
        CaKeys keys = CaKeys.load(dir, passphrase);
        try {
            return new ProvincialCa(settings, keys, CaDatabase.open(dir), names);
        } catch (SQLException e) {
            throw new IOException("cannot open the CA register " + dir.resolve(CaDatabase.FILE) + " (not a SQLite file, or not writable)", e);
        }
    }

    public CaSettings settings() {
        return settings;
    }

    public X509Certificate rootCertificate() {
        return keys.root().certificate();
    }

    public X509Certificate issuingCertificate() {
        return keys.issuing().certificate();
    }

    public X509Certificate sm2SigningCaCertificate() {
        return keys.sm2Signing().certificate();
    }

    /**
     * What EST {@code cacerts} returns and TLS trust stores hold: issuing CA, root. The SM2
     * signing CA is not here: boxes do not use it, and JDK-only clients cannot parse SM2 keys
     * ({@code manager ca export} writes it).
     */
    public List<X509Certificate> caCertificates() {
        return List.of(issuingCertificate(), rootCertificate());
    }

    // ---- issuance -------------------------------------------------------------------------

    /**
     * A box certificate for a public key made on the box (ECDSA P-256), for callers that decided
     * the names themselves (tests, labs): the domain must be a host name (IllegalArgumentException
     * otherwise), but the address plan is not asked. Boxes enrol through {@link #enrol}, which asks it.
     */
    public X509Certificate issueBox(PublicKey key, UnitCode unit, String unitDomain) throws GeneralSecurityException {
        Objects.requireNonNull(unit, "unit");
        requireHostName(unitDomain);
        return tx(d -> issueBoxIn(d, key, unit, unitDomain));
    }

    /** A backbone hub certificate (strongSwan responder); {@code dnsNames} and {@code ips} go into the SAN. */
    public X509Certificate issueHub(PublicKey key, String hubName, List<String> dnsNames, List<String> ips) throws GeneralSecurityException {
        X500Name subject = name(hubName, "backbone");
        return tx(d -> record(d, CertificateProfile.HUB, null, hubName, subject, key, keys.issuing(),
                settings.hubLifetime(), dnsNames, ips, List.of()));
    }

    /** A TLS server certificate for one of the manager's endpoints (EST, MQTT broker). */
    public X509Certificate issueTlsServer(PublicKey key, String serverName, List<String> dnsNames, List<String> ips) throws GeneralSecurityException {
        X500Name subject = name(serverName, "manager");
        return tx(d -> record(d, CertificateProfile.TLS_SERVER, null, serverName, subject, key, keys.issuing(),
                settings.hubLifetime(), dnsNames, ips, List.of()));
    }

    /** A document-signing certificate: SM2 key, signed SM3withSM2 by the SM2 signing CA. */
    public X509Certificate issueSigning(PublicKey sm2Key, String holderName) throws GeneralSecurityException {
        if (!KeyPairs.isSm2(sm2Key)) {
            throw new GeneralSecurityException("the signing profile needs an SM2 key (curve " + KeyPairs.SM2 + ")");
        }
        X500Name subject = name(holderName, "document-signing");
        return tx(d -> record(d, CertificateProfile.SIGNING_SM2, null, null, subject, sm2Key, keys.sm2Signing(),
                settings.signingLifetime(), List.of(), List.of(), List.of()));
    }

    /**
     * A unit's document-signing certificate ({@code manager ca issue-signing}): an SM2 key gets
     * {@link CertificateProfile#SIGNING_SM2} from the SM2 signing CA, a P-256 key
     * {@link CertificateProfile#SIGNING_P256} from the issuing CA. Subject
     * {@code CN=<unit code>, OU=document-signing}; the unit must be in the address plan.
     */
    public X509Certificate issueSigning(PublicKey key, UnitCode unit) throws GeneralSecurityException {
        Objects.requireNonNull(unit, "unit");
        Optional<String> refusal = names.refusal(unit, null);
        if (refusal.isPresent()) {
            throw new CaRefusal(refusal.get());
        }
        boolean sm2 = KeyPairs.isSm2(key);
        if (!sm2 && !KeyPairs.isP256(key)) {
            throw new GeneralSecurityException("a document-signing key must be SM2 (" + KeyPairs.SM2 + ") or ECDSA P-256 (" + KeyPairs.P256 + ")");
        }
        X500Name subject = name(unit.toString(), "document-signing");
        return tx(d -> record(d, sm2 ? CertificateProfile.SIGNING_SM2 : CertificateProfile.SIGNING_P256, unit.toString(), null,
                subject, key, sm2 ? keys.sm2Signing() : keys.issuing(), settings.signingLifetime(), List.of(), List.of(), List.of()));
    }

    /**
     * A unit's document-encryption certificate ({@link CertificateProfile#ENCRYPTION_P256}): P-256,
     * from the issuing CA, {@code CN=<unit code>, OU=document-encryption}; the unit must be in the
     * address plan.
     */
    public X509Certificate issueEncryption(PublicKey key, UnitCode unit) throws GeneralSecurityException {
        Objects.requireNonNull(unit, "unit");
        Optional<String> refusal = names.refusal(unit, null);
        if (refusal.isPresent()) {
            throw new CaRefusal(refusal.get());
        }
        if (!KeyPairs.isP256(key)) {
            throw new GeneralSecurityException("a document-encryption key must be ECDSA P-256 (" + KeyPairs.P256 + ")");
        }
        X500Name subject = name(unit.toString(), "document-encryption");
        return tx(d -> record(d, CertificateProfile.ENCRYPTION_P256, unit.toString(), null, subject, key, keys.issuing(),
                settings.signingLifetime(), List.of(), List.of(), List.of()));
    }

    /** Which of a unit's document-exchange keys an EST request is for. */
    public enum DocumentKey {
        SIGNING, ENCRYPTION
    }

    /**
     * EST enrolment of a unit's document-exchange key ({@code /.well-known/est/document-signing/}
     * or {@code /document-encryption/simpleenroll}): the box authenticates with its certificate (TLS
     * client certificate: valid, issued and registered here, a box's, not revoked) and may enrol
     * keys only for its own unit, which the address plan must still have. The CSR names that unit
     * in its one CN; a signing key is SM2 or P-256, an encryption key P-256. The certificate's
     * subject is the profile's ({@code CN=<unit>, OU=document-signing|document-encryption}).
     */
    public X509Certificate enrolDocumentKey(X509Certificate box, DocumentKey kind, byte[] csrDer) throws EnrolmentException {
        if (box == null) {
            throw EnrolmentException.unauthorised("a unit's document key is enrolled with the box's certificate as TLS client certificate");
        }
        PKCS10CertificationRequest csr = CsrValidator.parse(csrDer);
        try {
            box.verify(issuingCertificate().getPublicKey());
            box.checkValidity();
        } catch (GeneralSecurityException e) {
            throw EnrolmentException.unauthorised("client certificate is not a valid certificate of this CA (signature or validity)");
        }
        IssuedCertificate presented = enrolmentRead(d -> renewable(d, box));
        UnitCode unit = storedUnit(presented.unit(), "box certificate");
        String cn = CsrValidator.commonName(csr.getSubject());
        if (!unit.toString().equals(cn)) {
            throw EnrolmentException.forbidden("CSR subject CN '" + LogSafe.of(cn) + "' is not unit " + unit
                    + ", the unit of the box certificate presented: a box enrols document keys for its own unit only");
        }
        PublicKey key = publicKey(csr);
        boolean sm2 = KeyPairs.isSm2(key);
        if (kind == DocumentKey.ENCRYPTION ? !KeyPairs.isP256(key) : !sm2 && !KeyPairs.isP256(key)) {
            throw EnrolmentException.badRequest(kind == DocumentKey.ENCRYPTION
                    ? "a document-encryption key must be ECDSA P-256 (prime256v1)"
                    : "a document-signing key must be SM2 (sm2p256v1) or ECDSA P-256 (prime256v1)");
        }
        try {
            return kind == DocumentKey.ENCRYPTION ? issueEncryption(key, unit) : issueSigning(key, unit);
        } catch (CaRefusal e) {
            throw EnrolmentException.forbidden(e.getMessage());
        } catch (GeneralSecurityException e) {
            LOG.error("document key enrolment failed inside the CA", e);
            throw new EnrolmentException(500, "the CA could not issue the certificate (see the manager's log)");
        }
    }

    /**
     * A policy-signing certificate for a P-256 key the manager keeps: what boxes accept as the
     * signer of an isolation policy bundle ({@link CertificateProfile#POLICY_SIGNING}). Lives as
     * long as a hub certificate; the manager renews it before it expires.
     */
    public X509Certificate issuePolicySigning(PublicKey key, String holderName) throws GeneralSecurityException {
        if (!(key instanceof java.security.interfaces.ECPublicKey ec) || KeyPairs.isSm2(key)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("the policy-signing profile needs an ECDSA P-256 key");
        }
        X500Name subject = name(holderName, "policy-signing");
        return tx(d -> record(d, CertificateProfile.POLICY_SIGNING, null, null, subject, key, keys.issuing(),
                settings.hubLifetime(), List.of(), List.of(), List.of()));
    }

    /**
     * A portal-signing certificate for a P-256 key the manager keeps: what boxes accept as the
     * signer of a site snapshot ({@link CertificateProfile#PORTAL_SIGNING}).
     */
    public X509Certificate issuePortalSigning(PublicKey key, String holderName) throws GeneralSecurityException {
        if (!(key instanceof java.security.interfaces.ECPublicKey ec) || KeyPairs.isSm2(key)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("the portal-signing profile needs an ECDSA P-256 key");
        }
        return tx(d -> record(d, CertificateProfile.PORTAL_SIGNING, null, null, name(holderName, "portal-signing"), key, keys.issuing(),
                settings.hubLifetime(), List.of(), List.of(), List.of()));
    }

    /**
     * A report-signing certificate for a P-256 key the manager keeps: its signature on the PDF
     * reports it exports ({@link CertificateProfile#REPORT_SIGNING}).
     */
    public X509Certificate issueReportSigning(PublicKey key, String holderName) throws GeneralSecurityException {
        if (!(key instanceof java.security.interfaces.ECPublicKey ec) || KeyPairs.isSm2(key)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("the report-signing profile needs an ECDSA P-256 key");
        }
        return tx(d -> record(d, CertificateProfile.REPORT_SIGNING, null, null, name(holderName, "report-signing"), key, keys.issuing(),
                settings.hubLifetime(), List.of(), List.of(), List.of()));
    }

    /**
     * The public key of a PKCS#10 request (PEM, base64 or DER) whose own signature verifies (proof
     * of possession): what {@link #issueSigning(PublicKey, UnitCode)} certifies for a key made elsewhere.
     *
     * @param where the request's name for error messages (a file name)
     */
    public static PublicKey signingRequestKey(byte[] request, String where) throws EnrolmentException {
        try {
            return publicKey(CsrValidator.parse(EstHandler.decode(request)));
        } catch (EnrolmentException e) {
            throw new EnrolmentException(e.httpStatus(), where + ": " + e.getMessage());
        }
    }

    // ---- enrolment (EST) ------------------------------------------------------------------

    /**
     * Issues a one-time enrolment token for one unit; only its hash is stored. Refused
     * ({@link CaRefusal}) unless the address plan has the unit and gives it {@code unitDomain}.
     */
    public EnrolmentToken newToken(UnitCode unit, String unitDomain, Duration ttl) throws GeneralSecurityException {
        Objects.requireNonNull(unit, "unit");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("an enrolment token must live a while: its lifetime was "
                    + (ttl == null ? "not given" : ttl.toMillis() + " ms"));
        }
        requireHostName(unitDomain);
        Optional<String> refusal = names.refusal(unit, unitDomain);
        if (refusal.isPresent()) {
            throw new CaRefusal(refusal.get());
        }
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = Instant.now();
        Instant expires = now.plus(ttl);
        tx(d -> {
            d.insertToken(hash(secret), unit.toString(), unitDomain, now, expires);
            return null;
        });
        return new EnrolmentToken(secret, unit, unitDomain, expires);
    }

    /**
     * EST simpleenroll: checks the CSR and the token, asks the address plan whether the token's
     * unit and domain are still right (a token row from an older version may name anything), then
     * in one transaction checks and uses the token and records the certificate. Any refusal
     * leaves the database unchanged.
     */
    public X509Certificate enrol(String tokenSecret, byte[] csrDer) throws EnrolmentException {
        if (tokenSecret == null || tokenSecret.isBlank()) {
            throw EnrolmentException.unauthorised("no enrolment token presented");
        }
        PKCS10CertificationRequest csr = CsrValidator.parse(csrDer);
        String hash = hash(tokenSecret);
        // the plan is read outside the write transaction: it is another database, and OCSP waits on this one
        CaDatabase.TokenRow presented = enrolmentRead(d -> usableToken(d, hash));
        UnitCode unit = storedUnit(presented.unit(), "enrolment token");
        requireNamesForEnrolment(unit, presented.domain(), "enrolment token");
        CsrValidator.checkBoxRequest(csr, unit, presented.domain());
        return enrolmentTx(d -> {
            CaDatabase.TokenRow t = usableToken(d, hash);
            Instant now = Instant.now();
            X509Certificate cert = issueBoxIn(d, publicKey(csr), unit, t.domain());
            if (!d.useToken(hash, now, cert.getSerialNumber())) {
                throw EnrolmentException.unauthorised("enrolment token for unit " + t.unit() + " was used concurrently");
            }
            return cert;
        });
    }

    /**
     * EST simplereenroll: the box authenticates with its current certificate (TLS client
     * certificate); the new one keeps the unit and domain, the CSR's subject must be the same.
     * The address plan must still give the unit that domain.
     */
    public X509Certificate reenrol(X509Certificate current, byte[] csrDer) throws EnrolmentException {
        if (current == null) {
            throw EnrolmentException.unauthorised("simplereenroll needs the box's current certificate as TLS client certificate");
        }
        PKCS10CertificationRequest csr = CsrValidator.parse(csrDer);
        try {
            current.verify(issuingCertificate().getPublicKey());
            current.checkValidity();
        } catch (GeneralSecurityException e) {
            throw EnrolmentException.unauthorised("client certificate is not a valid certificate of this CA (signature or validity)");
        }
        IssuedCertificate presented = enrolmentRead(d -> renewable(d, current));
        UnitCode unit = storedUnit(presented.unit(), "current certificate");
        if (!X500Name.getInstance(current.getSubjectX500Principal().getEncoded()).equals(csr.getSubject())) {
            throw EnrolmentException.forbidden("CSR subject '" + LogSafe.of(csr.getSubject()) + "' differs from the current certificate's '"
                    + current.getSubjectX500Principal().getName() + "' (RFC 7030 §4.2.2)");
        }
        requireNamesForEnrolment(unit, presented.domain(), "current certificate");
        CsrValidator.checkBoxRequest(csr, unit, presented.domain());
        return enrolmentTx(d -> issueBoxIn(d, publicKey(csr), unit, renewable(d, current).domain()));
    }

    /** The token row if it may enrol now: known, unused, not expired. */
    private static CaDatabase.TokenRow usableToken(CaDatabase d, String hash) throws EnrolmentException, SQLException {
        CaDatabase.TokenRow t = d.token(hash).orElseThrow(() ->
                EnrolmentException.unauthorised("enrolment token is not known to this CA"));
        if (t.usedAt() != null) {
            throw EnrolmentException.unauthorised("enrolment token for unit " + t.unit() + " was already used at " + t.usedAt());
        }
        if (!Instant.now().isBefore(t.expiresAt())) {
            throw EnrolmentException.unauthorised("enrolment token for unit " + t.unit() + " expired at " + t.expiresAt());
        }
        return t;
    }

    /** The register's row of a box's current certificate if it may renew: known, not revoked, a box's. */
    private static IssuedCertificate renewable(CaDatabase d, X509Certificate current) throws EnrolmentException, SQLException {
        IssuedCertificate row = d.certificate(current.getSerialNumber()).orElseThrow(() ->
                EnrolmentException.unauthorised("client certificate serial " + CaDatabase.hex(current.getSerialNumber()) + " is not in the CA's register"));
        if (row.revoked()) {
            throw EnrolmentException.forbidden("client certificate " + CaDatabase.hex(row.serial()) + " was revoked at " + row.revokedAt());
        }
        if (row.profile() != CertificateProfile.BOX || row.unit() == null) {
            throw EnrolmentException.forbidden("client certificate is a " + row.profile() + " certificate, not a box's");
        }
        return row;
    }

    private static UnitCode storedUnit(String unit, String source) throws EnrolmentException {
        if (!UnitCode.isValid(unit)) {
            throw EnrolmentException.forbidden("the " + source + " names '" + LogSafe.of(unit) + "', which is not a unit code");
        }
        return UnitCode.parse(unit);
    }

    /** Refuses (403) a unit or domain the address plan does not give, whatever the stored row says. */
    private void requireNamesForEnrolment(UnitCode unit, String domain, String source) throws EnrolmentException {
        String form = domain == null ? null : BoxDomainName.problem(domain);
        if (form != null) {
            throw EnrolmentException.forbidden("the " + source + " names " + form);
        }
        Optional<String> refusal = names.refusal(unit, domain);
        if (refusal.isPresent()) {
            throw EnrolmentException.forbidden("the " + source + " cannot be used: " + refusal.get());
        }
    }

    // ---- revocation -----------------------------------------------------------------------

    /** Revokes a certificate; unknown or already revoked serials are refused. */
    public void revoke(BigInteger serial, RevocationReason reason) throws GeneralSecurityException {
        Objects.requireNonNull(reason, "reason");
        boolean done = tx(d -> d.revoke(serial, reason, Instant.now()));
        if (!done) {
            throw new CaRefusal("serial " + CaDatabase.hex(serial) + " is not an unrevoked certificate of this CA (see 'manager ca list')");
        }
    }

    /**
     * How many revocations the register holds, whichever process made them: a serving CA compares
     * it with the count its published CRLs reflect ({@link CrlPublisher}).
     */
    public long revocationCount() throws GeneralSecurityException {
        return readTx(CaDatabase::revocationCount);
    }

    /** What OCSP answers for a serial of the issuing or SM2 CA. */
    public CertificateStatus status(BigInteger serial) throws GeneralSecurityException {
        return readTx(d -> d.certificate(serial)
                .map(c -> c.revoked() ? new CertificateStatus(CertificateStatus.State.REVOKED, c.revokedAt(), c.reason())
                        : CertificateStatus.GOOD)
                .orElse(CertificateStatus.UNKNOWN));
    }

    /** The certificates issued for one unit (one indexed read: asked at every CONNECT through RabbitMQ). */
    public List<IssuedCertificate> certificatesOf(String unit) throws GeneralSecurityException {
        return readTx(d -> d.certificatesOf(unit));
    }

    /** The certificates revoked at or after {@code since}, oldest revocation first. */
    public List<IssuedCertificate> revokedSince(Instant since) throws GeneralSecurityException {
        return readTx(d -> d.revoked().stream().filter(c -> !c.revokedAt().isBefore(since)).toList());
    }

    public List<IssuedCertificate> certificates() throws GeneralSecurityException {
        return readTx(CaDatabase::certificates);
    }

    /**
     * The three CRLs as of one moment, and the revocation count they reflect.
     *
     * @param revocations the register's {@link #revocationCount()} when they were built
     */
    public record Crls(long revocations, X509CRL issuing, X509CRL root, X509CRL sm2) {
    }

    /** Fresh CRLs of all three CAs, built in one transaction. */
    public Crls crls() throws GeneralSecurityException {
        return tx(d -> new Crls(d.revocationCount(), issuingCrl(d), rootCrl(d), sm2Crl(d)));
    }

    /** A fresh CRL of the issuing CA (box, hub, TLS server revocations), valid for two publication intervals. */
    public X509CRL crl() throws GeneralSecurityException {
        return tx(this::issuingCrl);
    }

    /** A fresh CRL of the SM2 signing CA. */
    public X509CRL sm2Crl() throws GeneralSecurityException {
        return tx(this::sm2Crl);
    }

    /** A fresh CRL of the root (no subordinate CA revoked yet: empty). */
    public X509CRL rootCrl() throws GeneralSecurityException {
        return tx(this::rootCrl);
    }

    private X509CRL issuingCrl(CaDatabase d) throws GeneralSecurityException, SQLException {
        return buildCrl(d, keys.issuing(), c -> c.profile() != CertificateProfile.SIGNING_SM2);
    }

    private X509CRL sm2Crl(CaDatabase d) throws GeneralSecurityException, SQLException {
        return buildCrl(d, keys.sm2Signing(), c -> c.profile() == CertificateProfile.SIGNING_SM2);
    }

    private X509CRL rootCrl(CaDatabase d) throws GeneralSecurityException, SQLException {
        return buildCrl(d, keys.root(), c -> false);
    }

    /** The key and chain OCSP responses are signed with (the issuing CA signs its own responses). */
    CaKeys keys() {
        return keys;
    }

    /** A stable dump of the register, for tests that prove a refusal changed nothing. */
    String databaseDump() throws SQLException {
        return db.dump();
    }

    // ---- internals ------------------------------------------------------------------------

    /** A malformed name is bad input (IllegalArgumentException), not a refusal by the plan. */
    private static void requireHostName(String domain) {
        String problem = domain == null ? null : BoxDomainName.problem(domain);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private X509Certificate issueBoxIn(CaDatabase d, PublicKey key, UnitCode unit, String unitDomain)
            throws GeneralSecurityException, SQLException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, settings.country())
                .addRDN(BCStyle.O, settings.organisation()).addRDN(BCStyle.OU, unit.countyCode())
                .addRDN(BCStyle.CN, unit.toString()).build();
        return record(d, CertificateProfile.BOX, unit.toString(), unitDomain, subject, key, keys.issuing(),
                settings.boxLifetime(), unitDomain == null ? List.of() : List.of(unitDomain), List.of(),
                List.of(CsrValidator.UNIT_URI_PREFIX + unit));
    }

    private X509Certificate record(CaDatabase d, CertificateProfile profile, String unit, String domain, X500Name subject,
                                   PublicKey key, CaKeys.CaKey issuer, Duration lifetime, List<String> dns, List<String> ips,
                                   List<String> uris) throws GeneralSecurityException, SQLException {
        X509Certificate cert = signer.endEntity(signer.newSerial(), profile, subject, key, issuer, lifetime, dns, ips, uris, settings);
        d.insertCertificate(new IssuedCertificate(cert.getSerialNumber(), profile, unit, domain,
                cert.getSubjectX500Principal().getName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                null, null, cert.getEncoded()));
        return cert;
    }

    private X509CRL buildCrl(CaDatabase d, CaKeys.CaKey issuer, java.util.function.Predicate<IssuedCertificate> ofIssuer)
            throws GeneralSecurityException, SQLException {
        // the number first: it takes the write lock, so the list below is the one this number publishes
        BigInteger number = d.nextCrlNumber();
        List<IssuedCertificate> revoked = d.revoked().stream().filter(ofIssuer).toList();
        Instant now = Instant.now();
        X509v2CRLBuilder b = new JcaX509v2CRLBuilder(issuer.certificate().getSubjectX500Principal(), java.util.Date.from(now));
        b.setNextUpdate(java.util.Date.from(now.plus(settings.crlInterval().multipliedBy(2))));
        for (IssuedCertificate c : revoked) {
            b.addCRLEntry(c.serial(), java.util.Date.from(c.revokedAt()), c.reason().code());
        }
        try {
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate()));
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        String alg = KeyPairs.isSm2(issuer.certificate().getPublicKey()) ? CertificateSigner.SM2 : CertificateSigner.ECDSA;
        return new JcaX509CRLConverter().setProvider(BouncyCastle.PROVIDER)
                .getCRL(b.build(CertificateSigner.contentSigner(issuer.key(), alg)));
    }

    private X500Name name(String cn, String ou) {
        if (cn == null || cn.isBlank()) {
            throw new IllegalArgumentException("certificate holder name is missing");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, settings.country())
                .addRDN(BCStyle.O, settings.organisation()).addRDN(BCStyle.OU, ou).addRDN(BCStyle.CN, cn).build();
    }

    private static X500Name caName(CaSettings s, String role) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, s.country()).addRDN(BCStyle.O, s.organisation())
                .addRDN(BCStyle.CN, s.organisation() + " " + role).build();
    }

    private static PublicKey publicKey(PKCS10CertificationRequest csr) throws EnrolmentException {
        try {
            return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr).setProvider(BouncyCastle.PROVIDER).getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw EnrolmentException.badRequest("CSR public key cannot be read: " + e.getMessage());
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static void requirePassphrase(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("CA key store passphrase is empty; set ca.passphrase-file in the manager configuration");
        }
    }

    private <T> T tx(CaDatabase.Work<T, GeneralSecurityException> work) throws GeneralSecurityException {
        try {
            return db.inTransaction(work);
        } catch (SQLException e) {
            throw new GeneralSecurityException("CA database error: " + e.getMessage(), e);
        }
    }

    private <T, E extends Exception> T readTx(CaDatabase.Work<T, E> work) throws E, GeneralSecurityException {
        try {
            return db.read(work);
        } catch (SQLException e) {
            throw new GeneralSecurityException("CA database error: " + e.getMessage(), e);
        }
    }

    private <T> T enrolmentTx(CaDatabase.Work<T, Exception> work) throws EnrolmentException {
        return enrolment(work, true);
    }

    private <T> T enrolmentRead(CaDatabase.Work<T, Exception> work) throws EnrolmentException {
        return enrolment(work, false);
    }

    private <T> T enrolment(CaDatabase.Work<T, Exception> work, boolean write) throws EnrolmentException {
        try {
            return write ? db.inTransaction(work) : db.read(work);
        } catch (EnrolmentException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw EnrolmentException.badRequest(e.getMessage());
        } catch (Exception e) {
            LOG.error("enrolment failed inside the CA", e);
            throw new EnrolmentException(500, "the CA could not issue the certificate (see the manager's log)");
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
