package cn.egov.manager.ca;

/** What a certificate is for; decides key type, extensions and lifetime. */
public enum CertificateProfile {
    /**
     * An edge box: ECDSA P-256, client auth, unit code in CN and SAN URI; with a unit domain (from
     * the address plan) also SAN DNS and server auth, for the box's HTTPS portal mirror and console.
     */
    BOX,
    /** A backbone VPN hub: ECDSA P-256, client+server auth, DNS/IP names in the SAN. */
    HUB,
    /** A TLS server of the manager (EST endpoint, MQTT broker): server auth only. */
    TLS_SERVER,
    /** Document signing: SM2 key, SM3withSM2 signature from the SM2 signing CA. */
    SIGNING_SM2,
    /**
     * Document signing with ECDSA P-256 from the issuing CA: key usage digitalSignature +
     * nonRepudiation, extended key usage emailProtection (CMS signing) only, so that no TLS peer
     * accepts it as a client or server certificate although its issuer is the boxes' issuer.
     */
    SIGNING_P256,
    /**
     * A unit's document-encryption key (公文交换: CMS EnvelopedData, ECDH): ECDSA P-256 from the
     * issuing CA, key usage keyAgreement only, extended key usage emailProtection only (no TLS
     * peer accepts it), subject {@code CN=<unit code>, OU=document-encryption}.
     */
    ENCRYPTION_P256,
    /**
     * Isolation policy signing: ECDSA P-256, key usage digitalSignature only, extended key usage
     * {@link cn.egov.api.policy.PolicySigning#POLICY_SIGNING_EKU} and nothing else, so that it
     * cannot serve TLS and no box or TLS certificate can sign policy.
     */
    POLICY_SIGNING,
    /**
     * Portal snapshot signing: ECDSA P-256, key usage digitalSignature only, extended key usage
     * {@link cn.egov.api.portal.PortalSigning#PORTAL_SIGNING_EKU} and nothing else: it signs site
     * snapshots only, never policy, never TLS.
     */
    PORTAL_SIGNING,
    /**
     * The manager's signature on the documents it exports (the auditor's report, the task book):
     * ECDSA P-256, key usage digitalSignature + nonRepudiation, extended key usage emailProtection
     * only (what CMS and PDF verifiers such as NSS's email-signer usage accept), so that no TLS
     * peer accepts it and no box takes it for a policy or portal signer.
     */
    REPORT_SIGNING
}
