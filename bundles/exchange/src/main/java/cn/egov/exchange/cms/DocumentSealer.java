package cn.egov.exchange.cms;

import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.rules.unit.UnitCode;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Sign, then encrypt: the package ({@link DocumentPackage}) is signed by the issuing unit
 * ({@link CmsSigner}) and the signed message is encrypted for every recipient ({@link CmsEncryptor}).
 * Only the recipients can read it; the hub sees the routing data the exchange message carries
 * beside it, never the content.
 */
public final class DocumentSealer {

    private DocumentSealer() {
    }

    /**
     * @param envelope  the CMS EnvelopedData that travels
     * @param signed    the CMS SignedData inside it (kept by the sender for its records)
     * @param digests   each part's digest, to compare with receipts
     */
    public record Sealed(byte[] envelope, byte[] signed, List<PartDigest> digests) {
    }

    /** @param encryptionCerts one encryption certificate per recipient of the document */
    public static Sealed seal(Document doc, SigningKey signer, Map<UnitCode, X509Certificate> encryptionCerts) {
        UnitCode own = UnitCertificates.unitOf(signer.certificate(), UnitCertificates.SIGNING_OU).orElse(null);
        if (!doc.meta().issuer().equals(own)) {
            throw new DocumentRefused("issuer", "unit " + doc.meta().issuer() + " cannot sign with the key of unit " + own);
        }
        List<X509Certificate> certs = doc.meta().recipients().stream().map(r -> {
            X509Certificate c = encryptionCerts.get(r);
            if (c == null) {
                throw new DocumentRefused("recipients", "unit " + r + " is unknown to the exchange (no encryption certificate)");
            }
            return c;
        }).toList();
        DocumentPackage.Packed packed = DocumentPackage.write(doc, signer.digest());
        byte[] signed = CmsSigner.sign(packed.bytes(), signer);
        return new Sealed(CmsEncryptor.encrypt(signed, certs), signed, packed.digests());
    }
}
