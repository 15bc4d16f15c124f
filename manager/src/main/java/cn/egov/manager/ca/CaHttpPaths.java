package cn.egov.manager.ca;

/** The CA's HTTP(S) paths, shared by the server, the certificates it writes and the docs. */
public final class CaHttpPaths {
    /** EST (RFC 7030 §3.2.2) base; served on the HTTPS connector only. */
    public static final String EST = "/.well-known/est";
    public static final String EST_CACERTS = EST + "/cacerts";
    public static final String EST_SIMPLEENROLL = EST + "/simpleenroll";
    public static final String EST_SIMPLEREENROLL = EST + "/simplereenroll";
    /**
     * A unit's document-exchange keys (RFC 7030 §3.2.2 labels): simpleenroll under
     * {@code /.well-known/est/document-signing/} and {@code /document-encryption/}, authorised by
     * the box's certificate (TLS client certificate), for the box's own unit.
     */
    public static final String EST_DOCUMENT_SIGNING = EST + "/document-signing/simpleenroll";
    public static final String EST_DOCUMENT_ENCRYPTION = EST + "/document-encryption/simpleenroll";
    /** CRL of the issuing CA (DER), on the plain HTTP connector (a CRL is signed). */
    public static final String CRL_ISSUING = "/crl/issuing.crl";
    /** CRL of the root (DER): revocations of the CAs below it. */
    public static final String CRL_ROOT = "/crl/root.crl";
    /** OCSP responder (RFC 6960): POST, or GET with the base64 request appended. */
    public static final String OCSP = "/ocsp";

    private CaHttpPaths() {
    }
}
