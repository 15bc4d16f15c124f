package cn.egov.exchange.cms;

import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentRefused;
import java.util.List;

/** Decrypt, verify, unpack: the reverse of {@link DocumentSealer}, for one recipient unit. */
public final class DocumentOpener {

    private final CmsVerifier verifier;
    private final long maxBytes;

    public DocumentOpener(CmsVerifier verifier, long maxBytes) {
        this.verifier = verifier;
        this.maxBytes = maxBytes;
    }

    /** An opened document and the digests its receipt repeats. */
    public record Opened(Document document, List<PartDigest> digests, CmsVerifier.Verified signature) {
    }

    /**
     * @throws DocumentRefused when the envelope is damaged, not for this key, the signature does not
     *                         verify, or the signer is not the issuing unit the manifest names
     */
    public Opened open(byte[] envelope, DecryptionKey key) {
        byte[] signed = CmsDecryptor.decrypt(envelope, key);
        CmsVerifier.Verified v = verifier.verify(signed, "document", null);
        DocumentPackage.Opened p = DocumentPackage.read(v.content(), maxBytes);
        if (!p.document().meta().issuer().equals(v.unit())) {
            throw new DocumentRefused("document", "names issuer " + p.document().meta().issuer() + " but is signed by unit " + v.unit());
        }
        return new Opened(p.document(), p.digests(), v);
    }
}
