package cn.egov.exchange.cms;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** Object identifiers of GM/T 0010-2012 (GB/T 35275), the SM2 profile of CMS. */
public final class Gm {
    /** {@code data}: the content type of what an SM2 signer signs. */
    public static final ASN1ObjectIdentifier DATA = new ASN1ObjectIdentifier("1.2.156.10197.6.1.4.2.1");
    /** {@code signedData}: the ContentInfo type of an SM2-signed document. */
    public static final ASN1ObjectIdentifier SIGNED_DATA = new ASN1ObjectIdentifier("1.2.156.10197.6.1.4.2.2");
    /** SM3 digest. */
    public static final ASN1ObjectIdentifier SM3 = new ASN1ObjectIdentifier("1.2.156.10197.1.401");
    /** The SM2 curve. */
    public static final ASN1ObjectIdentifier SM2_CURVE = new ASN1ObjectIdentifier("1.2.156.10197.1.301");

    private Gm() {
    }
}
